"""Writes about organisations: supplier registration, the organisation itself, its members.

Every function here checks the policy itself (views check it first and answer 404/403), writes in
one transaction, records an audit event and tells the people concerned.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.domain_events import supplier_profile_event_on_commit
from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import (
    ADMIN_ROLES,
    AccessRequest,
    Membership,
    NotificationKind,
    Organisation,
    OrganisationUnit,
    Role,
    SupplierProfile,
    User,
)
from marketplace.policy import Action, user_can
from marketplace.selectors.organisations import (
    admins_of,
)
from marketplace.services.audit import audit_record
from marketplace.services.notifications import notify
from marketplace.services.verification import registry_check_on_commit
from marketplace.validators import clean_org_number

# Path segments next to "<slug>" in the URLs; an organisation may not take them as its slug.
RESERVED_SLUGS = frozenset({"ny"})
_NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


# --- Helpers ----------------------------------------------------------------------------------


def require_action(by, action: Action, obj) -> None:
    if not user_can(by, action, obj):
        raise PermissionDenied(_("You may not do that in this organisation."))


def lock_organisation(organisation: Organisation) -> Organisation:
    """Serialise changes to one organisation's members (no-op on SQLite, which has one writer)."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _organisation_data(organisation: Organisation) -> dict:
    return {
        "kind": organisation.kind,
        "name": organisation.name,
        "org_number": organisation.org_number,
        "slug": organisation.slug,
        "website": organisation.website,
    }


def membership_data(membership: Membership) -> dict:
    return {
        "user_id": membership.user_id,
        "organisation_id": membership.organisation_id,
        "role": membership.role,
        "unit_id": membership.unit_id,
    }


def unique_slug(name: str) -> str:
    """A slug for a new organisation: from its name, made unique with -2, -3, ..."""
    base = slugify(name.translate(_NORWEGIAN_LETTERS))[:70].strip("-") or "organisasjon"
    candidate, n = base, 1
    while candidate in RESERVED_SLUGS or Organisation.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def default_language_path(viewname: str, **kwargs) -> str:
    """A site path in the default language, as notify() wants it (it localises the link)."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(viewname, kwargs=kwargs or None)


def _is_admin(membership: Membership, organisation: Organisation) -> bool:
    return membership.role == Role.admin_role_for(organisation.kind) and membership.unit_id is None


def _has_other_admin(organisation: Organisation, membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            organisation=organisation,
            role=Role.admin_role_for(organisation.kind),
            unit__isnull=True,
            user__is_active=True,
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def validate_role(
    *, organisation: Organisation, role: str, unit: OrganisationUnit | None = None
) -> None:
    """The role must exist for the organisation's kind; a unit must be the buyer's own."""
    if role not in Role.for_kind(organisation.kind):
        raise DomainError(
            _("This role does not exist for this kind of organisation."),
            code="role_invalid",
            field="role",
        )
    if unit is None:
        return
    if not organisation.is_buyer or unit.organisation_id != organisation.pk or not unit.is_active:
        raise DomainError(
            _("Choose a unit of this organisation."), code="unit_invalid", field="unit"
        )
    if role in ADMIN_ROLES:
        raise DomainError(
            _("An administrator manages the whole organisation. Leave the unit empty."),
            code="admin_unit",
            field="unit",
        )


# --- Supplier registration ----------------------------------------------------------------------


@dataclass(frozen=True)
class SupplierRegistration:
    """What registering did. ``organisation`` is set only when the person belongs to it."""

    organisation: Organisation | None
    created: bool = False
    access_requested: bool = False


@transaction.atomic
def supplier_register(
    *, name: str, org_number: str, website: str = "", by: User
) -> SupplierRegistration:
    """Register a supplier and make ``by`` its administrator.

    A new organisation starts unverified; the register is asked on commit whether the number and
    name match (``marketplace.services.verification``). When the organisation number is already
    registered (as a buyer or a supplier), ``by`` gets no membership and no access: an access
    request is recorded once and the organisation's administrators are told. The result does
    not say who they are.
    """
    if not getattr(by, "is_authenticated", False) or not by.is_active:
        raise PermissionDenied(_("Log in to register an organisation."))
    number = clean_org_number(org_number)
    existing = Organisation.objects.filter(org_number=number).first()
    attempts = 3
    while existing is None:
        try:
            with transaction.atomic():
                organisation = _create_supplier(
                    name=name, org_number=number, website=website, by=by
                )
        except IntegrityError:
            # Someone registered the same number a moment ago, or took the same slug (a firm
            # of the same name): the first is handled below, the second is simply tried again.
            existing = Organisation.objects.filter(org_number=number).first()
            attempts -= 1
            if existing is None and attempts == 0:
                raise
        else:
            return SupplierRegistration(organisation=organisation, created=True)
    if Membership.objects.filter(user=by, organisation=existing).exists():
        return SupplierRegistration(organisation=existing)
    _access_request_open(organisation=existing, by=by)
    return SupplierRegistration(organisation=None, access_requested=True)


def _create_supplier(*, name: str, org_number: str, website: str, by: User) -> Organisation:
    organisation = Organisation(
        kind=Organisation.Kind.SUPPLIER,
        name=name.strip(),
        org_number=org_number,
        website=website,
        slug=unique_slug(name),
    )
    organisation.full_clean()
    organisation.save()  # unverified until staff or the register confirm it
    audit_record(
        actor=by,
        action="organisation.register",
        obj=organisation,
        after=_organisation_data(organisation),
        organisation=organisation,
    )
    membership = Membership(user=by, organisation=organisation, role=Role.SUPPLIER_ADMIN)
    membership.full_clean()
    membership.save()
    audit_record(
        actor=by,
        action="membership.create",
        obj=membership,
        after=membership_data(membership),
        organisation=organisation,
    )
    registry_check_on_commit(organisation)
    return organisation


def _access_request_open(*, organisation: Organisation, by: User) -> AccessRequest:
    """One open request per person and organisation; the admins hear about it once."""
    open_request = AccessRequest.objects.filter(
        organisation=organisation, user=by, handled_at__isnull=True
    ).first()
    if open_request is not None:
        return open_request
    try:
        with transaction.atomic():
            access_request = AccessRequest(organisation=organisation, user=by)
            access_request.full_clean()
            access_request.save()
    except IntegrityError:
        return AccessRequest.objects.get(
            organisation=organisation, user=by, handled_at__isnull=True
        )
    audit_record(
        actor=by,
        action="access_request.create",
        obj=access_request,
        after={"user_id": by.pk, "organisation_id": organisation.pk},
        organisation=organisation,
    )
    for admin in admins_of(organisation):
        notify(
            recipient=admin,
            kind=NotificationKind.ACCESS_REQUEST,
            key=f"access-request:{access_request.pk}",
            template="marketplace/notifications/access_request",
            context={
                "organisation_name": organisation.name,
                "requester_name": by.get_full_name(),
                "requester_email": by.email,
            },
            url=default_language_path("marketplace:organisation_members", slug=organisation.slug),
        )
    return access_request


# --- Organisation -------------------------------------------------------------------------------


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, name: str, website: str = "", by: User
) -> Organisation:
    """Change an organisation's name and website. The number and slug stay."""
    organisation = lock_organisation(organisation)
    require_action(by, Action.ORGANISATION_EDIT, organisation)
    before = _organisation_data(organisation)
    organisation.name = name.strip()
    organisation.website = website
    organisation.full_clean()
    organisation.save(update_fields=["name", "website"])
    audit_record(
        actor=by,
        action="organisation.update",
        obj=organisation,
        before=before,
        after=_organisation_data(organisation),
        organisation=organisation,
    )
    profile = SupplierProfile.objects.filter(organisation=organisation).first()
    if profile is not None and before["name"] != organisation.name:
        supplier_profile_event_on_commit(profile, "updated")  # the name is searched
    return organisation


# --- Members ------------------------------------------------------------------------------------


def _last_admin_error(organisation: Organisation) -> DomainError:
    return DomainError(
        _(
            "%(organisation)s must keep at least one administrator. "
            "Make someone else an administrator first."
        )
        % {"organisation": organisation.name},
        code="last_admin",
    )


@transaction.atomic
def membership_update(
    *, membership: Membership, role: str, unit: OrganisationUnit | None = None, by: User
) -> Membership:
    """Give a member another role (buyer roles may be limited to a unit)."""
    organisation = lock_organisation(membership.organisation)
    require_action(by, Action.MEMBERS_MANAGE, organisation)
    membership = Membership.objects.select_related("user", "unit").get(pk=membership.pk)
    validate_role(organisation=organisation, role=role, unit=unit)
    unit_id = unit.pk if unit is not None else None
    if membership.role == role and membership.unit_id == unit_id:
        return membership
    stays_admin = role == Role.admin_role_for(organisation.kind) and unit is None
    if (
        _is_admin(membership, organisation)
        and not stays_admin
        and not _has_other_admin(organisation, membership)
    ):
        raise _last_admin_error(organisation)
    duplicate = Membership.objects.filter(
        user=membership.user, organisation=organisation, role=role, unit=unit
    ).exclude(pk=membership.pk)
    if duplicate.exists():
        raise DomainError(
            _("This person already has that role."), code="duplicate_role", field="role"
        )
    before = membership_data(membership)
    membership.role, membership.unit = role, unit
    membership.full_clean()
    membership.save(update_fields=["role", "unit"])
    event = audit_record(
        actor=by,
        action="membership.update",
        obj=membership,
        before=before,
        after=membership_data(membership),
        organisation=organisation,
    )
    if membership.user_id != by.pk:
        notify(
            recipient=membership.user,
            kind=NotificationKind.MEMBERSHIP,
            key=f"membership-changed:{event.pk}",
            template="marketplace/notifications/membership_role_changed",
            context=membership_context(membership, organisation),
            url=default_language_path("marketplace:organisation_detail", slug=organisation.slug),
        )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Take a person's role away. The last administrator cannot be removed."""
    organisation = lock_organisation(membership.organisation)
    require_action(by, Action.MEMBERS_MANAGE, organisation)
    membership = Membership.objects.select_related("user", "unit").get(pk=membership.pk)
    if _is_admin(membership, organisation) and not _has_other_admin(organisation, membership):
        raise _last_admin_error(organisation)
    member = membership.user
    context = membership_context(membership, organisation)
    event = audit_record(
        actor=by,
        action="membership.delete",
        obj=membership,
        before=membership_data(membership),
        organisation=organisation,
    )
    membership.delete()
    if member.pk != by.pk:
        notify(
            recipient=member,
            kind=NotificationKind.MEMBERSHIP,
            key=f"membership-removed:{event.pk}",
            template="marketplace/notifications/membership_removed",
            context=context,
            url=default_language_path("marketplace:organisation_list"),
        )


def membership_context(membership: Membership, organisation: Organisation) -> dict:
    # Lazy labels: notify renders them in the recipient's language.
    return {
        "organisation_name": organisation.name,
        "role_label": Role(membership.role).label,
        "unit_name": membership.unit.name if membership.unit else "",
        "unit_name_en": (membership.unit.name_en or membership.unit.name)
        if membership.unit
        else "",
    }
