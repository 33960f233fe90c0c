"""Writes about supplier profiles: the profile, its references and its contact person.

Only suppliers have a profile. Every change is checked against the policy
(``SUPPLIER_PROFILE_EDIT``), validated with ``full_clean`` and recorded in the audit chain with
the fields it changed. The contact person is personal data: the audit records *which* of their
fields changed, never the values, so erasing them leaves nothing behind in the append-only chain.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.domain_events import supplier_profile_event_on_commit
from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import (
    ContactPerson,
    Membership,
    Organisation,
    SupplierProfile,
    SupplierReference,
    User,
)
from marketplace.policy import Action, user_can
from marketplace.services.audit import audit_record

# Fields of the profile form, in the order they are audited.
PROFILE_FIELDS: tuple[str, ...] = (
    "description_nb",
    "description_en",
    "keywords",
    "industry_code",
    "street_address",
    "postal_code",
    "postal_place",
    "municipality",
    "delivers_nationwide",
    "employee_band",
    "turnover_band",
    "stage",
    "founded_year",
    "other_certifications",
    "technology_readiness_level",
    "open_to_pilots",
    "interested_in_test_arenas",
    "size_visibility",
    "references_visibility",
    "contact_visibility",
)
PROFILE_M2M_FIELDS: tuple[str, ...] = (
    "cpv_codes",
    "delivery_counties",
    "delivery_municipalities",
    "certifications",
)
REFERENCE_FIELDS: tuple[str, ...] = (
    "customer",
    "public_sector",
    "year",
    "value_band",
    "description",
)
CONTACT_FIELDS: tuple[str, ...] = ContactPerson.PERSONAL_FIELDS


# --- Helpers ----------------------------------------------------------------------------------


def _require(by, action: Action, obj) -> None:
    if not user_can(by, action, obj):
        raise PermissionDenied(_("You may not change this supplier's profile."))


def _require_supplier(organisation: Organisation) -> None:
    if organisation.kind != Organisation.Kind.SUPPLIER:
        raise DomainError(
            _("Only suppliers have a capability profile."), code="profile_not_supplier"
        )


def _scalar(value: Any) -> Any:
    """A field value as the audit stores it: related objects by primary key."""
    return getattr(value, "pk", value)


def _m2m_keys(profile: SupplierProfile, field: str) -> list:
    return sorted(profile_m2m_pks(profile, field))


def profile_m2m_pks(profile: SupplierProfile, field: str) -> list:
    return list(getattr(profile, field).values_list("pk", flat=True))


def profile_snapshot(profile: SupplierProfile) -> dict[str, Any]:
    """Every editable field of the profile as the audit stores it."""
    data = {field: _scalar(getattr(profile, field)) for field in PROFILE_FIELDS}
    data.update({field: _m2m_keys(profile, field) for field in PROFILE_M2M_FIELDS})
    return data


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    changed = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


def _lock(profile: SupplierProfile) -> SupplierProfile:
    """The profile as stored, locked until the transaction ends (PostgreSQL)."""
    return SupplierProfile.objects.select_for_update().get(pk=profile.pk)


def _raise_as_domain_error(exc: ValidationError) -> None:
    """Turn ``full_clean``'s first error into a DomainError for the field (forms show it there)."""
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        message = errors[0].messages[0]
        raise DomainError(message, code="invalid", field=None if field == "__all__" else field)
    raise DomainError(exc.messages[0], code="invalid")


def _full_clean(obj, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        _raise_as_domain_error(exc)


# --- The profile --------------------------------------------------------------------------------


@transaction.atomic
def profile_get_or_create(*, organisation: Organisation, by: User | None = None) -> SupplierProfile:
    """The supplier's profile, made (empty and unlisted) the first time it is asked for."""
    _require_supplier(organisation)
    profile, created = SupplierProfile.objects.get_or_create(organisation=organisation)
    if created:
        audit_record(
            actor=by,
            action="supplier_profile.create",
            obj=profile,
            after={"organisation_id": organisation.pk},
            organisation=organisation,
        )
    return profile


@transaction.atomic
def profile_update(*, profile: SupplierProfile, by: User, **data: Any) -> SupplierProfile:
    """Change any of ``PROFILE_FIELDS`` and ``PROFILE_M2M_FIELDS`` (others are refused).

    A listed profile must keep a description in at least one language. Returns the stored
    profile; the audit event holds before and after of the changed fields only (M2M fields as
    sorted primary keys), and nothing is recorded when nothing changed.
    """
    unknown = set(data) - set(PROFILE_FIELDS) - set(PROFILE_M2M_FIELDS)
    if unknown:
        raise TypeError(f"profile_update() got unknown fields: {', '.join(sorted(unknown))}")
    _require_supplier(profile.organisation)
    _require(by, Action.SUPPLIER_PROFILE_EDIT, profile)
    stored = _lock(profile)
    before = profile_snapshot(stored)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(stored, field, data[field])
    _full_clean(stored, exclude=["organisation"])
    if stored.is_published and not (stored.description_nb or stored.description_en):
        raise DomainError(
            _("A listed profile needs a description. Write one in Bokmål or English."),
            code="profile_description_required",
            field="description_nb",
        )
    stored.save()
    for field in PROFILE_M2M_FIELDS:
        if field in data:
            getattr(stored, field).set(data[field])
    changed_before, changed_after = _changes(before, profile_snapshot(stored))
    if changed_after:
        audit_record(
            actor=by,
            action="supplier_profile.update",
            obj=stored,
            before=changed_before,
            after=changed_after,
        )
        supplier_profile_event_on_commit(stored, "updated")
    return stored


def publish_problems(profile: SupplierProfile) -> list[str]:
    """Why the profile cannot be listed yet (empty when it can)."""
    problems = []
    if not (profile.description_nb or profile.description_en):
        problems.append(_("Write a description in Bokmål or English before you list the profile."))
    return problems


@transaction.atomic
def profile_publish(*, profile: SupplierProfile, by: User) -> SupplierProfile:
    """List the profile in the public directory. Needs a description in one language."""
    _require_supplier(profile.organisation)
    _require(by, Action.SUPPLIER_PROFILE_EDIT, profile)
    stored = _lock(profile)
    problems = publish_problems(stored)
    if problems:
        raise DomainError(problems[0], code="profile_description_required", field="description_nb")
    if not stored.is_published:
        stored.is_published = True
        stored.save(update_fields=["is_published", "updated_at"])
        audit_record(
            actor=by,
            action="supplier_profile.publish",
            obj=stored,
            before={"is_published": False},
            after={"is_published": True},
        )
        supplier_profile_event_on_commit(stored, "published")
    return stored


@transaction.atomic
def profile_unpublish(*, profile: SupplierProfile, by: User) -> SupplierProfile:
    """Take the profile out of the public directory (members still see and edit it)."""
    _require(by, Action.SUPPLIER_PROFILE_EDIT, profile)
    stored = _lock(profile)
    if stored.is_published:
        stored.is_published = False
        stored.save(update_fields=["is_published", "updated_at"])
        audit_record(
            actor=by,
            action="supplier_profile.unpublish",
            obj=stored,
            before={"is_published": True},
            after={"is_published": False},
        )
        supplier_profile_event_on_commit(stored, "unpublished")
    return stored


# --- References -------------------------------------------------------------------------------


def _reference_data(reference: SupplierReference) -> dict:
    return {field: getattr(reference, field) for field in REFERENCE_FIELDS}


@transaction.atomic
def reference_add(
    *,
    profile: SupplierProfile,
    by: User,
    customer: str,
    year: int,
    description: str,
    public_sector: bool = False,
    value_band: str = "",
) -> SupplierReference:
    _require_supplier(profile.organisation)
    _require(by, Action.SUPPLIER_PROFILE_EDIT, profile)
    reference = SupplierReference(
        profile=profile,
        customer=customer,
        year=year,
        description=description,
        public_sector=public_sector,
        value_band=value_band,
    )
    _full_clean(reference)
    reference.save()
    audit_record(
        actor=by,
        action="supplier_reference.create",
        obj=reference,
        after=_reference_data(reference),
    )
    return reference


@transaction.atomic
def reference_update(*, reference: SupplierReference, by: User, **data: Any) -> SupplierReference:
    unknown = set(data) - set(REFERENCE_FIELDS)
    if unknown:
        raise TypeError(f"reference_update() got unknown fields: {', '.join(sorted(unknown))}")
    _require(by, Action.SUPPLIER_PROFILE_EDIT, reference)
    stored = SupplierReference.objects.select_for_update().get(pk=reference.pk)
    before = _reference_data(stored)
    for field, value in data.items():
        setattr(stored, field, value)
    _full_clean(stored)
    stored.save()
    changed_before, changed_after = _changes(before, _reference_data(stored))
    if changed_after:
        audit_record(
            actor=by,
            action="supplier_reference.update",
            obj=stored,
            before=changed_before,
            after=changed_after,
        )
    return stored


@transaction.atomic
def reference_delete(*, reference: SupplierReference, by: User) -> None:
    _require(by, Action.SUPPLIER_PROFILE_EDIT, reference)
    organisation = reference.profile.organisation
    audit_record(
        actor=by,
        action="supplier_reference.delete",
        obj=reference,
        before=_reference_data(reference),
        organisation=organisation,
    )
    reference.delete()


# --- Contact person (personal data) -------------------------------------------------------------


def _account_for(organisation: Organisation, email: str) -> User | None:
    """The member of ``organisation`` with this e-mail address, if one has an account.

    Linking the account lets the person find, download and erase their data themselves.
    """
    if not email:
        return None
    member_ids = Membership.objects.filter(organisation=organisation).values("user_id")
    return User.objects.filter(pk__in=member_ids, email__iexact=email, is_active=True).first()


@transaction.atomic
def contact_set(
    *,
    profile: SupplierProfile,
    by: User,
    name: str,
    email: str = "",
    title: str = "",
    phone: str = "",
) -> ContactPerson:
    """Make (or replace) the profile's contact person. Needs a name and an e-mail or phone."""
    _require_supplier(profile.organisation)
    _require(by, Action.SUPPLIER_PROFILE_EDIT, profile)
    if not name.strip():
        raise DomainError(_("Give the contact person's name."), code="contact_name", field="name")
    if not (email or phone):
        raise DomainError(
            _("Give an e-mail address or a phone number."), code="contact_reach", field="email"
        )
    contact = ContactPerson.objects.select_for_update().filter(
        profile=profile
    ).first() or ContactPerson(profile=profile)
    created = contact.pk is None
    before = contact.personal_data()
    contact.name, contact.title, contact.email, contact.phone = name.strip(), title, email, phone
    contact.user = _account_for(profile.organisation, email)
    contact.anonymised_at = None
    _full_clean(contact)
    contact.save()
    changed = sorted(key for key, value in contact.personal_data().items() if before[key] != value)
    # Which fields changed, never their values, and the profile as the object (a contact's
    # name is its str()): the audit chain cannot be erased.
    audit_record(
        actor=by,
        action="contact_person.create" if created else "contact_person.update",
        obj=profile,
        after={
            "contact_id": contact.pk,
            "changed_fields": changed,
            "linked_user_id": contact.user_id,
        },
    )
    return contact


def _require_contact_access(by: User, contact: ContactPerson, *, as_staff: bool = False) -> None:
    """The person themselves, an administrator of the organisation, or (``as_staff``, from the
    Django admin) site staff with the admin's permission to change contact persons."""
    if as_staff:
        if getattr(by, "is_staff", False) and by.has_perm("marketplace.change_contactperson"):
            return
        raise PermissionDenied(_("You may not see or erase this contact person's data."))
    is_self = contact.user_id is not None and contact.user_id == getattr(by, "pk", None)
    if not (is_self or user_can(by, Action.ORGANISATION_EDIT, contact)):
        raise PermissionDenied(_("You may not see or erase this contact person's data."))


@transaction.atomic
def contact_export(*, contact: ContactPerson, by: User) -> dict[str, Any]:
    """Everything stored about the contact person, as a JSON-ready dict (GDPR art. 15 and 20)."""
    _require_contact_access(by, contact)
    organisation = contact.profile.organisation
    audit_record(
        actor=by,
        action="contact_person.export",
        obj=contact.profile,
        after={"contact_id": contact.pk},
    )
    return {
        "exported_at": timezone.now().isoformat(),
        "role": "contact_person",
        "organisation": {"name": organisation.name, "org_number": organisation.org_number},
        "personal_data": contact.personal_data(),
        "linked_account": contact.user.email if contact.user_id else None,
        "visible_to": contact.profile.contact_visibility,
        "profile_listed": contact.profile.is_published,
    }


@transaction.atomic
def contact_erase(*, contact: ContactPerson, by: User, as_staff: bool = False) -> ContactPerson:
    """Anonymise the contact person (GDPR art. 17). The row stays, stamped ``anonymised_at``.

    ``as_staff`` is for the Django admin's action: site staff act on a person's request without
    being a member of the supplier.
    """
    _require_contact_access(by, contact, as_staff=as_staff)
    stored = ContactPerson.objects.select_for_update().get(pk=contact.pk)
    if stored.anonymised_at is not None:
        return stored
    erased = sorted(field for field, value in stored.personal_data().items() if value)
    stored.anonymise()
    stored.save()
    # A contact person is a person: the chain keeps its id, never its label (ADR 0013).
    audit_record(
        actor=by,
        action="contact_person.erase",
        obj=stored,
        after={"erased_fields": erased, "anonymised_at": stored.anonymised_at},
        organisation=stored.profile.organisation,
    )
    return stored
