"""Celery task of the OCDS release store (imported by ``tenders.tasks`` so workers register it)."""

from __future__ import annotations

from celery import shared_task

from tenders.ocds.store import releases_publish_all


@shared_task(name="tenders.ocds_publish_releases", acks_late=True)
def ocds_publish_releases() -> int:
    """Store the releases that are due (``CELERY_BEAT_SCHEDULE`` "ocds-publish-releases", daily):
    changes no domain event announces, such as a pilot's progress. Idempotent."""
    return releases_publish_all()
