"""Reads about supplier profiles: the profile being edited, and how complete it is."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from marketplace.models import ContactPerson, Organisation, SupplierProfile, SupplierReference


def profile_for_editing(organisation: Organisation) -> SupplierProfile | None:
    """The organisation's profile with everything the edit page shows, or None if it has none."""
    return (
        SupplierProfile.objects.filter(organisation=organisation)
        .select_related("organisation", "industry_code", "municipality__county", "contact")
        .prefetch_related(
            "cpv_codes",
            "delivery_counties",
            "delivery_municipalities",
            "certifications",
            Prefetch("references", queryset=SupplierReference.objects.order_by("-year", "pk")),
        )
        .first()
    )


def references_of(profile: SupplierProfile) -> QuerySet[SupplierReference]:
    return profile.references.order_by("-year", "customer", "pk")


def contact_of(profile: SupplierProfile) -> ContactPerson | None:
    """The profile's contact person, unless none was given (an erased one is still returned)."""
    try:
        return profile.contact
    except ContactPerson.DoesNotExist:
        return None


def contact_roles_of(user) -> QuerySet[ContactPerson]:
    """Where ``user`` is a (not erased) contact person: their personal-data page lists these."""
    if not getattr(user, "is_authenticated", False):
        return ContactPerson.objects.none()
    return (
        ContactPerson.objects.filter(user=user, anonymised_at__isnull=True)
        .select_related("profile__organisation")
        .order_by("profile__organisation__name", "pk")
    )


# --- Completeness ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletenessItem:
    """One thing a complete profile has. ``target`` is the form field (or page) that fixes it."""

    key: str
    label: str
    target: str


@dataclass(frozen=True)
class Completeness:
    percent: int
    done: int
    total: int
    missing: list[CompletenessItem] = field(default_factory=list)

    @property
    def is_complete(self) -> bool:
        return not self.missing


# Targets: a field name of the profile form, or "contact" / "reference" for their own pages.
COMPLETENESS_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("description", _("Describe what you deliver"), "description_nb"),
    ("cpv", _("Add at least one CPV code"), "cpv_codes"),
    ("keywords", _("Add keywords buyers search for"), "keywords"),
    ("delivery", _("Say where you deliver"), "delivers_nationwide"),
    ("address", _("Give your address and municipality"), "municipality"),
    ("size", _("Give your size"), "employee_band"),
    ("stage", _("Say what stage your business is at"), "stage"),
    ("industry", _("Choose your industry code"), "industry_code"),
    ("contact", _("Add a contact person"), "contact"),
    ("reference", _("Add a reference"), "reference"),
)


def _has_contact(profile: SupplierProfile) -> bool:
    contact = contact_of(profile)
    return bool(
        contact is not None
        and contact.anonymised_at is None
        and contact.name
        and (contact.email or contact.phone)
    )


def _checks(profile: SupplierProfile) -> dict[str, bool]:
    return {
        "description": bool(profile.description_nb.strip() or profile.description_en.strip()),
        "cpv": bool(profile.cpv_codes.all()),
        "keywords": bool(profile.keywords),
        "delivery": bool(
            profile.delivers_nationwide
            or profile.delivery_counties.all()
            or profile.delivery_municipalities.all()
        ),
        "address": bool(profile.street_address and profile.postal_code and profile.municipality_id),
        "size": bool(profile.employee_band and profile.turnover_band),
        "stage": bool(profile.stage),
        "industry": profile.industry_code_id is not None,
        "contact": _has_contact(profile),
        "reference": bool(profile.references.all()),
    }


def profile_completeness(profile: SupplierProfile) -> Completeness:
    """How complete the profile is: ten equal parts, and what is missing, in form order.

    Reads only the profile and its related rows, so with ``profile_for_editing()`` it makes no
    queries. Size counts when both employees and turnover are given (the SME category needs both).
    """
    checks = _checks(profile)
    missing = [
        CompletenessItem(key=key, label=label, target=target)
        for key, label, target in COMPLETENESS_ITEMS
        if not checks[key]
    ]
    total = len(COMPLETENESS_ITEMS)
    done = total - len(missing)
    return Completeness(percent=round(100 * done / total), done=done, total=total, missing=missing)
