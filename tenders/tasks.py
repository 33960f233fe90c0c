"""Celery tasks of the tenders app. Each takes primary keys, loads, and calls one service.

Celery autodiscovers only modules named "tasks"; the app's other task modules are imported here
so that a worker registers their tasks too. Each area appends its own tasks or import below.
"""

from __future__ import annotations

from celery import shared_task

from tenders import tasks_dialogue  # noqa: F401
from tenders.eforms import tasks as eforms_tasks  # noqa: F401
from tenders.ocds import tasks as ocds_tasks  # noqa: F401

# --- Buyer: the lifecycle's periodic close (CELERY_BEAT_SCHEDULE "tenders-close-due") ---------


@shared_task(name="tenders.close_due_tenders", acks_late=True)
def close_due_tenders() -> list[str]:
    """Close every published tender whose submission deadline has passed. Idempotent."""
    from tenders.services.closing import tenders_close_due

    return tenders_close_due()


# --- Dialogue: needs close when their dialogue deadline passes ("needs-close-due") --------------


@shared_task(name="tenders.close_due_needs", acks_late=True)
def close_due_needs() -> list[str]:
    """Close every open need whose dialogue deadline has passed. Idempotent."""
    from tenders.services.needs import needs_close_due

    return needs_close_due()


# --- Uploads: virus scans (CLAMD_URL; sweeper "tenders-scan-pending") ---------------------------


@shared_task(name="tenders.scan_tender_document", acks_late=True)
def scan_tender_document(document_id: int) -> str | None:
    """Scan one pending tender document; a scanner outage leaves it pending for the sweeper."""
    from tenders.services.tender_files import document_scan_run

    return document_scan_run(document_id=document_id)


@shared_task(name="tenders.scan_pending_documents", acks_late=True)
def scan_pending_documents() -> int:
    """Send every pending tender document to the scanner again (after an outage)."""
    from tenders.services.tender_files import documents_pending_scan

    pending = documents_pending_scan()
    for document_id in pending:
        scan_tender_document.delay(document_id)
    return len(pending)
