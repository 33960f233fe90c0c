"""Background work for organisations: e-mailing invitation links, checking the register."""

from __future__ import annotations

import smtplib

from celery import shared_task

from marketplace.models import Invitation
from marketplace.services.invitations import invitation_email_send


@shared_task(
    name="marketplace.send_invitation_email",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def send_invitation_email(invitation_id: int, token: str) -> bool:
    """E-mail an invitation's accept link. Does nothing once the invitation is not pending.

    The raw token exists only in this message and the e-mail; the database keeps its hash.
    Retries only on mail-server errors, which happen before the message is accepted.
    """
    invitation = (
        Invitation.objects.select_related("organisation", "unit", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return False
    return invitation_email_send(invitation=invitation, token=token)


@shared_task(name="marketplace.check_organisation_in_registry")
def check_organisation_in_registry(organisation_id: int) -> str:
    """Verify a newly registered organisation when the register confirms its number and name.

    No automatic retry: an unreachable register leaves the organisation unverified, and site
    staff can check again from the admin (``marketplace.services.verification``).
    """
    from marketplace.services.verification import organisation_check_registry

    return organisation_check_registry(organisation_id=organisation_id).value
