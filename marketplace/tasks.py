"""Celery tasks of the base layer. Each takes primary keys, loads, and calls one service.

E-mail tasks retry on network and SMTP errors (``smtplib.SMTPException`` is an ``OSError``) with
bounded exponential backoff; the services make a retried or redelivered task send nothing twice.
"""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.utils import timezone

# Celery autodiscovers only modules named "tasks"; the app's other task modules are imported
# here so that a worker registers their tasks too.
from marketplace import tasks_organisations  # noqa: F401
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
