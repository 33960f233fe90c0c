"""Celery tasks of the base layer. Each takes primary keys, loads, and calls one service.

E-mail tasks retry on network and SMTP errors (``smtplib.SMTPException`` is an ``OSError``) with
bounded exponential backoff; the services make a retried or redelivered task send nothing twice.
"""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.db import InterfaceError
from django.db import OperationalError as DatabaseUnavailable
from django.utils import timezone

from marketplace import outbox, throttling
from marketplace.models import Invitation
from marketplace.selectors.notifications import digest_recipient_ids
from marketplace.services.invitations import invitation_email_send
from marketplace.services.notifications import digest_send, notification_email_send
from marketplace.services.refusals import refusal_tallies_prune, refusals_summarise
from marketplace.services.verification import organisation_check_registry

_EMAIL_RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**_EMAIL_RETRY)
def send_notification_email(notification_id: int) -> bool:
    return notification_email_send(notification_id=notification_id)


@shared_task(**_EMAIL_RETRY)
def send_digest_email(user_id: int) -> int:
    return digest_send(user_id=user_id)


@shared_task
def send_daily_digests() -> int:
    """Run by Celery beat once a day: one digest task per person who is owed one."""
    user_ids = digest_recipient_ids(before=timezone.now())
    for user_id in user_ids:
        send_digest_email.delay(user_id)
    return len(user_ids)


# --- Outbox (marketplace.outbox) ------------------------------------------------------------
# acks_late + reject_on_worker_lost: a worker killed mid-delivery leaves the message on the
# broker, which hands it out again (after broker_transport_options["visibility_timeout"] on
# Redis); delivering twice does nothing twice (the row is marked delivered with the handler's
# writes). A handler's own failures are counted on the row (backoff, then dead-letter); only a
# lost database is retried here.


@shared_task(
    name="marketplace.deliver_outbox_message",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseUnavailable, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def deliver_outbox_message(message_id: int) -> bool:
    return outbox.outbox_deliver(message_id=message_id)


@shared_task(name="marketplace.sweep_outbox")
def sweep_outbox() -> dict[str, int]:
    """Run by Celery beat: deliver what the broker missed and retry what failed."""
    return outbox.outbox_sweep()


@shared_task(name="marketplace.summarise_refusals")
def summarise_refusals() -> int:
    """Summaries of closed refused-access windows into the audit chain; old tallies pruned.

    Idempotent (a window is summarised once); see ``marketplace.services.refusals``.
    """
    written = refusals_summarise()
    refusal_tallies_prune()
    return written


# --- Organisations: invitation e-mails, the register check --------------------------------------
# Scheduled by name (marketplace.task_names) from marketplace.services.invitations and
# marketplace.services.verification, which sit below this module.


@shared_task(name="marketplace.send_invitation_email", **_EMAIL_RETRY)
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
    return organisation_check_registry(organisation_id=organisation_id).value


# --- Throttling: periodic clean-up of the database counters (marketplace.throttling) ------------


@shared_task(name="marketplace.purge_throttle_counters")
def purge_throttle_counters() -> int:
    """Delete the counters whose window has ended; returns how many went."""
    return throttling.purge_expired()
