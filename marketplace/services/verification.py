"""Verifying organisations: who vouches that an organisation is who it says it is.

Anyone logged in can register a supplier with an organisation number nobody has claimed
(``supplier_register``); such an organisation starts **unverified** (``verified_at`` empty) and is
marked "Unverified" wherever buyers see it. It becomes verified when

- a site administrator verifies it (:func:`organisation_verify`, the Django admin's action), or
- the Brønnøysund register confirms the number *and* the name (:func:`organisation_check_registry`,
  run after registration and from the admin's "Check in the register" action).

Both are audited. A register that is unreachable, does not know the number, or gives another
name leaves the organisation unverified (the check says which); nothing is ever un-verified
here. Claiming a number that is already registered stays an access request to its
administrators (``supplier_register``).
"""

from __future__ import annotations

import logging
import re
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import brreg
from marketplace.errors import PermissionDenied
from marketplace.models import Organisation, User
from marketplace.models.organisations import VerificationSource
from marketplace.services.audit import audit_record
from marketplace.task_names import task_named

logger = logging.getLogger(__name__)


class RegistryCheck(StrEnum):
    VERIFIED = "verified"
    ALREADY_VERIFIED = "already_verified"
    NAME_DIFFERS = "name_differs"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"


_NOT_WORD = re.compile(r"[^\w]+")


def same_name(ours: str, registered: str) -> bool:
    """Whether two organisation names are the same but for case, spacing and punctuation."""

    def normal(name: str) -> str:
        return " ".join(_NOT_WORD.sub(" ", name.casefold()).split())

    return bool(normal(ours)) and normal(ours) == normal(registered)


def _mark_verified(
    organisation: Organisation, *, source: str, by: User | None, after: dict
) -> Organisation:
    organisation.verified_at = timezone.now()
    organisation.verified_by = by
    organisation.verification_source = source
    organisation.save(update_fields=["verified_at", "verified_by", "verification_source"])
    audit_record(
        actor=by,
        action="organisation.verified",
        obj=organisation,
        after={"source": source, "verified_at": organisation.verified_at, **after},
        organisation=organisation,
    )
    return organisation


def _locked(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


@transaction.atomic
def organisation_verify(*, organisation: Organisation, by: User) -> Organisation:
    """A site administrator vouches for ``organisation``. Verifying twice changes nothing."""
    if not (getattr(by, "is_staff", False) and by.has_perm("marketplace.change_organisation")):
        raise PermissionDenied(_("You may not verify organisations."))
    stored = _locked(organisation)
    if stored.is_verified:
        return stored
    return _mark_verified(stored, source=VerificationSource.ADMIN, by=by, after={})


def organisation_check_registry(*, organisation_id: int) -> RegistryCheck:
    """Ask the register about the organisation's number; verify it when the name matches too.

    The register is asked outside any transaction (it may be slow); the result is written in one.
    """
    organisation = Organisation.objects.get(pk=organisation_id)
    if organisation.is_verified:
        return RegistryCheck.ALREADY_VERIFIED
    try:
        entity = brreg.lookup(organisation.org_number)
    except brreg.BrregNotFound:
        return RegistryCheck.NOT_FOUND
    except brreg.BrregUnavailable as exc:
        logger.warning("Registry check of organisation %s not possible: %s", organisation_id, exc)
        return RegistryCheck.UNAVAILABLE
    if entity.org_number != organisation.org_number or not same_name(
        organisation.name, entity.name
    ):
        return RegistryCheck.NAME_DIFFERS
    with transaction.atomic():
        stored = _locked(organisation)
        if stored.is_verified:
            return RegistryCheck.ALREADY_VERIFIED
        _mark_verified(
            stored,
            source=VerificationSource.REGISTRY,
            by=None,
            after={"registered_name": entity.name},
        )
    return RegistryCheck.VERIFIED


def registry_check_on_commit(organisation: Organisation) -> None:
    """Check the register once the registration has committed (a task; in-process in tests)."""
    organisation_id = organisation.pk
    task = task_named("marketplace.check_organisation_in_registry")  # marketplace.tasks
    transaction.on_commit(lambda: task.delay(organisation_id))
