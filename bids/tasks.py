"""Celery tasks of the bids app. Each takes primary keys, loads, and calls one service.

The scan of one document (``bids.scan_bid_document``) is defined beside the service that
schedules it, ``bids.services.bid_files``; its sweeper is here.
"""

from __future__ import annotations

from celery import shared_task

from bids.services.award import bidders_notify_cancelled, bidders_notify_changed
from bids.services.bid_files import documents_pending_scan, scan_bid_document


@shared_task(
    name="bids.notify_bidders_cancelled",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def notify_bidders_cancelled(tender_id: int) -> int:
    """Tell the bidders of a cancelled tender. Idempotent (notification keys)."""
    return bidders_notify_cancelled(tender_id=tender_id)


@shared_task(
    name="bids.notify_bidders_changed",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def notify_bidders_changed(tender_id: int, event: str, version: int) -> int:
    """Tell the bidders of an amended tender or a moved deadline. Idempotent (notification keys)."""
    return bidders_notify_changed(tender_id=tender_id, event=event, version=version)


# --- Uploads: virus scans (CLAMD_URL; sweeper "bids-scan-pending") -----------------------------


@shared_task(name="bids.scan_pending_documents", acks_late=True)
def scan_pending_documents() -> int:
    """Send every pending bid document to the scanner again (after an outage)."""
    pending = documents_pending_scan()
    for document_id in pending:
        scan_bid_document.delay(document_id)
    return len(pending)
