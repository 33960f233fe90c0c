"""Celery tasks of the tenders app. Each takes primary keys, loads, and calls one service.

Celery autodiscovers only modules named "tasks". Two tasks live beside the service that
schedules them (``scan_tender_document`` in ``services.tender_files``, ``eforms_notice_submit``
in ``eforms.sending``) and the OCDS task in ``ocds.tasks``; they are imported here so that a
worker registers them too. Task names are explicit and stable (queues and beat schedules keep them).
"""

from __future__ import annotations

from celery import shared_task

from tenders.eforms.sending import eforms_notice_submit  # noqa: F401  (registered for workers)
from tenders.ocds.tasks import ocds_publish_releases  # noqa: F401  (registered for workers)
from tenders.services.closing import tenders_close_due
from tenders.services.follows import followers_notify_now
from tenders.services.needs import needs_close_due
from tenders.services.tender_files import documents_pending_scan, scan_tender_document

# --- Buyer: the lifecycle's periodic close (CELERY_BEAT_SCHEDULE "tenders-close-due") ---------


@shared_task(name="tenders.close_due_tenders", acks_late=True)
def close_due_tenders() -> list[str]:
    """Close every published tender whose submission deadline has passed. Idempotent."""
    return tenders_close_due()


# --- Dialogue: needs close when their dialogue deadline passes ("needs-close-due") --------------


@shared_task(name="tenders.close_due_needs", acks_late=True)
def close_due_needs() -> list[str]:
    """Close every open need whose dialogue deadline has passed. Idempotent."""
    return needs_close_due()


# --- Dialogue: telling followers what happened -------------------------------------------------


@shared_task(name="tenders.notify_followers", acks_late=True, max_retries=3)
def notify_followers(
    *, event: str, tender_id: int | None, need_id: int | None, key: str, context: dict
) -> int:
    """Load the tender or need and notify its followers. Safe to run twice: each follower's
    notification is keyed on the event, so a repeat stores and sends nothing more."""
    return followers_notify_now(
        event=event, tender_id=tender_id, need_id=need_id, key=key, context=context
    )


# --- Uploads: virus scans (CLAMD_URL; sweeper "tenders-scan-pending") ---------------------------


@shared_task(name="tenders.scan_pending_documents", acks_late=True)
def scan_pending_documents() -> int:
    """Send every pending tender document to the scanner again (after an outage)."""
    pending = documents_pending_scan()
    for document_id in pending:
        scan_tender_document.delay(document_id)
    return len(pending)
