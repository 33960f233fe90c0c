"""Reads for the public side of supplier profiles: the directory, the profile page, the API.

Who sees what: a profile's company facts are public once it is listed. Size, references and the
contact person follow the profile's visibility settings: ``PUBLIC`` for everyone, ``BUYERS`` for
signed-in members of a buyer organisation and for the supplier's own members.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from marketplace.models import (
    BUYER_ROLES,
    CpvCode,
    Membership,
    Municipality,
    Organisation,
    SupplierProfile,
    Visibility,
    cpv_under_q,
)
from marketplace.policy import Action, user_can


def has_cpv_under(codes: list[str]) -> Exists:
    """Whether a profile has a CPV code at or below one of ``codes`` (72000000 finds 72212000).

    An ``Exists`` subquery, so a firm with several matching codes is still one row.
    """
    through = SupplierProfile.cpv_codes.through
    return Exists(
        through.objects.filter(supplierprofile_id=OuterRef("pk")).filter(
            cpv_under_q(codes, "cpvcode__code")
        )
    )


def delivers_in(municipality: Municipality) -> Q:
    """Profiles that deliver in the municipality: named, its county named, or nationwide."""
    municipalities = SupplierProfile.delivery_municipalities.through
    counties = SupplierProfile.delivery_counties.through
    return (
        Q(delivers_nationwide=True)
        | Q(
            Exists(
                municipalities.objects.filter(
                    supplierprofile_id=OuterRef("pk"), municipality_id=municipality.pk
                )
            )
        )
        | Q(
            Exists(
                counties.objects.filter(
                    supplierprofile_id=OuterRef("pk"), county_id=municipality.county_id
                )
            )
        )
    )


def directory_profiles() -> QuerySet[SupplierProfile]:
    """Listed profiles of supplier organisations, with what a result card shows fetched up front."""
    return (
        SupplierProfile.objects.published()
        .select_related("organisation", "municipality")
        .prefetch_related(Prefetch("cpv_codes", queryset=CpvCode.objects.order_by("code")))
    )


def api_profiles() -> QuerySet[SupplierProfile]:
    """Listed profiles with every public relation the API serialises."""
    return (
        directory_profiles()
        .select_related("industry_code")
        .prefetch_related(
            "certifications",
            "delivery_counties",
            Prefetch(
                "delivery_municipalities",
                queryset=Municipality.objects.select_related("county").order_by("number"),
            ),
            "references",
        )
        .order_by("organisation__name", "pk")
    )


def _profile_page_queryset() -> QuerySet[SupplierProfile]:
    return (
        SupplierProfile.objects.filter(organisation__kind=Organisation.Kind.SUPPLIER)
        .select_related("organisation", "municipality__county", "industry_code", "contact")
        .prefetch_related(
            Prefetch("cpv_codes", queryset=CpvCode.objects.order_by("code")),
            "certifications",
            "delivery_counties",
            Prefetch(
                "delivery_municipalities",
                queryset=Municipality.objects.select_related("county").order_by("name"),
            ),
            "references",
        )
    )


def is_own_member(user, organisation: Organisation) -> bool:
    return user_can(user, Action.ORGANISATION_VIEW, organisation)


def is_buyer_member(user) -> bool:
    """Whether ``user`` holds a role in any buyer organisation."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (
        Membership.objects.for_user(user)
        .filter(organisation__kind=Organisation.Kind.BUYER, role__in=BUYER_ROLES)
        .exists()
    )


@dataclass(frozen=True)
class ProfileView:
    """A profile as one viewer may see it."""

    profile: SupplierProfile
    is_own: bool
    sees_buyers_only: bool

    def _sees(self, visibility: str) -> bool:
        return visibility == Visibility.PUBLIC or self.sees_buyers_only

    @property
    def show_size(self) -> bool:
        return self._sees(self.profile.size_visibility)

    @property
    def show_references(self) -> bool:
        return self._sees(self.profile.references_visibility)

    @property
    def show_contact(self) -> bool:
        return self._sees(self.profile.contact_visibility)


def profile_for_viewer(user, slug: str) -> ProfileView:
    """The profile of the supplier ``slug`` as ``user`` may see it, or 404.

    An unlisted profile is found only by the organisation's own members.
    """
    profile = _profile_page_queryset().filter(organisation__slug=slug).first()
    if profile is None:
        raise Http404
    own = is_own_member(user, profile.organisation)
    if not profile.is_published and not own:
        raise Http404
    return ProfileView(profile=profile, is_own=own, sees_buyers_only=own or is_buyer_member(user))
