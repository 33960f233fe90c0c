"""Periodic CMS work (CELERY_BEAT_SCHEDULE "cms-publish-scheduled")."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command


@shared_task(name="cms.publish_scheduled", acks_late=True)
def publish_scheduled() -> None:
    """Publish pages whose "go live" time has come and unpublish expired ones. Idempotent:
    Wagtail's own ``publish_scheduled`` command does the work."""
    call_command("publish_scheduled")
