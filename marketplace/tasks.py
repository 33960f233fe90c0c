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

# Celery autodiscovers only modules named "tasks"; the app's other task modules are imported
# here so that a worker registers their tasks too.
from marketplace import (
    outbox,
    tasks_organisations,  # noqa: F401
    tasks_throttling,  # noqa: F401
)
from marketplace.selectors.notifications import digest_recipient_ids
from marketplace.services.notifications import digest_send, notification_email_send

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
    from marketplace.services.refusals import refusal_tallies_prune, refusals_summarise

    written = refusals_summarise()
    refusal_tallies_prune()
    return written
