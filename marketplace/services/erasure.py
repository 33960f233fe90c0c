"""Erasing a person (GDPR art. 17): their contact data goes, their user id and history stay.

:func:`person_erase` blanks everything that says who the person is — the e-mail address becomes
a placeholder (``erased-<id>@erased.invalid``, still unique), the name goes, the account can no
longer log in, allauth's e-mail addresses and authenticators are deleted, contact-person entries
linked to the account and invitations sent to the address are anonymised — while the user row
keeps its id, so memberships, bids and the audit chain still point at "erased user #id". The
chain itself holds no personal data to erase (ADR 0013): ``manage.py verify_audit`` passes after.

Called from the Django admin ("Erase the selected persons") and ``manage.py erase_person``.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import ContactPerson, Invitation, User
from marketplace.services.audit import audit_record

ERASED_DOMAIN = "erased.invalid"  # .invalid never resolves (RFC 2606): nothing can be sent


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@{ERASED_DOMAIN}"


def _require_staff(by) -> None:
    """Site staff who may change users; ``by`` None is the system (a management command)."""
    if by is None:
        return
    if not (getattr(by, "is_staff", False) and by.has_perm("marketplace.change_user")):
        raise PermissionDenied(_("You may not erase people."))


@transaction.atomic
def person_erase(*, user: User, by: User | None) -> User:
    """Erase ``user``'s personal data; keep the row and its id. Erasing twice is refused."""
    _require_staff(by)
    stored = User.objects.select_for_update().get(pk=user.pk)
    if stored.anonymised_at is not None:
        raise DomainError(_("This person has already been erased."), code="already_erased")
    if by is not None and by.pk == stored.pk:
        raise DomainError(_("You cannot erase yourself here."), code="erase_self")
    old_email = stored.email
    held = {"email": old_email, "full_name": stored.full_name}
    erased = [field for field, value in held.items() if value]
    stored.email = erased_email(stored.pk)
    stored.full_name = ""
    stored.is_active = False
    stored.is_staff = False
    stored.is_superuser = False
    stored.set_unusable_password()  # also ends every session (they carry the password hash)
    stored.anonymised_at = timezone.now()
    stored.save()
    stored.groups.clear()
    stored.user_permissions.clear()
    addresses, _per_model = EmailAddress.objects.filter(user=stored).delete()
    authenticators, _per_model = Authenticator.objects.filter(user=stored).delete()
    contacts = list(ContactPerson.objects.select_for_update().filter(user=stored))
    for contact in contacts:
        contact.anonymise()
        contact.save()
    invitations = Invitation.objects.filter(email__iexact=old_email).update(
        email=erased_email(stored.pk)
    )
    audit_record(
        actor=by,
        action="account.erased",
        obj=stored,
        after={
            "erased_fields": erased,
            "email_addresses_deleted": addresses,
            "authenticators_deleted": authenticators,
            "contact_person_ids": [contact.pk for contact in contacts],
            "invitations_anonymised": invitations,
            "anonymised_at": stored.anonymised_at,
        },
    )
    return stored
