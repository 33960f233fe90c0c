"""Tender files (the documents attached to a tender): checked by the one upload validator, streamed
into private storage.

The checks are ``marketplace.uploads`` (the same as for bid documents: types by content, no
macros, no zip bombs or unsafe package paths, ``TENDER_DOCUMENT_MAX_BYTES``, the buyer
organisation's quota). The file is hashed while it is copied in chunks to a temporary file that
is then moved into place. With ``CLAMD_URL`` set a new document is ``pending`` until the virus
scan finds it clean (:func:`document_scan_run`, run by the task :func:`scan_tender_document`,
defined here because :func:`document_upload` schedules it). Adding or removing a document of a
published tender is an amendment, like any other change after publication.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from celery import shared_task
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import clamd
from marketplace.errors import DomainError
from marketplace.page_cache import page_cache_invalidate
from marketplace.services.audit import audit_record
from marketplace.services.scans import document_scan
from marketplace.uploads import DOCUMENT_NAMES as ALLOWED_NAMES
from marketplace.uploads import DOCUMENT_TYPES as ALLOWED_TYPES
from marketplace.uploads import (
    TENDER_DOCUMENT,
    UploadRejected,
    check_quota,
    detect_type,
    safe_name,
    store_chunks,
)
from marketplace.uploads import check_upload as check_file
from tenders import lifecycle
from tenders.models import Tender, TenderDocument
from tenders.services.locks import lock
from tenders.services.tender_snapshot import snapshot_diff, tender_snapshot
from tenders.services.tenders import amendment_record, require_manage

DocumentRejected = UploadRejected  # the name callers and tests know

__all__ = [
    "ALLOWED_NAMES",
    "ALLOWED_TYPES",
    "DocumentRejected",
    "detect_type",
    "document_remove",
    "document_upload",
    "safe_name",
]


def check_upload(uploaded) -> tuple[str, str]:
    """Refuse what a tender document may not be (marketplace.uploads); (content type, extension)."""
    checked = check_file(uploaded, purpose=TENDER_DOCUMENT)
    return checked.content_type, checked.extension


def storage_used(organisation_id: int) -> int:
    """Bytes of tender documents the organisation stores (withdrawn ones are kept, so count)."""
    total = TenderDocument.objects.filter(tender__buyer_id=organisation_id).aggregate(
        total=Sum("size")
    )["total"]
    return total or 0


def _hashing(chunks: Iterable[bytes], digest) -> Iterator[bytes]:
    for chunk in chunks:
        digest.update(chunk)
        yield chunk


def _require_documents_open(tender: Tender) -> None:
    if not (lifecycle.is_editable(tender) or lifecycle.is_amendable(tender)):
        raise DomainError(
            _("Documents can be changed only while the tender is a draft or open for bids."),
            code="documents_closed",
        )


@transaction.atomic
def document_upload(
    *, tender: Tender, by, uploaded, title: str = "", summary: str = ""
) -> TenderDocument:
    """Check and store one document. On a published tender this is an amendment, and
    ``summary`` (what was added and why) is required."""
    require_manage(by, tender)
    tender = lock(tender)
    _require_documents_open(tender)
    checked = check_file(uploaded, purpose=TENDER_DOCUMENT)
    check_quota(tender.buyer_id, checked.size)
    before = tender_snapshot(tender) if lifecycle.is_amendable(tender) else None
    document = TenderDocument(
        tender=tender,
        original_name=checked.name,
        title=title.strip()[:200],
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=by,
        scan_status=clamd.initial_status(),
    )
    digest = hashlib.sha256()
    uploaded.seek(0)
    store_chunks(document.file, "upload", _hashing(uploaded.chunks(), digest))
    document.sha256 = digest.hexdigest()
    try:  # the stored file is removed again if the row cannot be written
        document.full_clean(exclude=["tender", "file"])
        document.save()
        if before is not None:
            amendment_record(
                tender=tender,
                by=by,
                summary=summary,
                changes=snapshot_diff(before, tender_snapshot(tender)),
            )
        audit_record(
            actor=by,
            action="tender.document_added",
            obj=tender,
            after={
                "document": document.pk,
                "name": document.original_name,
                "content_type": document.content_type,
                "size": document.size,
                "sha256": document.sha256,
            },
        )
    except BaseException:
        document.file.delete(save=False)
        raise
    if document.scan_status == clamd.ScanStatus.PENDING:
        pk = document.pk
        transaction.on_commit(lambda: scan_tender_document.delay(pk))
    return document


@transaction.atomic
def document_remove(*, document: TenderDocument, by, summary: str = "") -> None:
    """A draft's document is deleted; a published tender's is withdrawn (kept, not shown) as
    an amendment with ``summary``."""
    tender = document.tender
    require_manage(by, tender)
    tender = lock(tender)
    _require_documents_open(tender)
    data = {"document": document.pk, "name": document.original_name, "sha256": document.sha256}
    if lifecycle.is_editable(tender):
        audit_record(actor=by, action="tender.document_deleted", obj=tender, before=data)
        stored = document.file.name
        document.delete()
        transaction.on_commit(lambda: document.file.storage.delete(stored))
        return
    before = tender_snapshot(tender)
    document.removed_at = timezone.now()
    document.save(update_fields=["removed_at"])
    amendment_record(
        tender=tender,
        by=by,
        summary=summary,
        changes=snapshot_diff(before, tender_snapshot(tender)),
    )
    audit_record(actor=by, action="tender.document_withdrawn", obj=tender, before=data)


# --- Virus scanning ---------------------------------------------------------------------------


def document_chunks(document: TenderDocument) -> Iterator[bytes]:
    """The stored file, chunk by chunk (tender documents are kept in plaintext)."""
    with document.file.open("rb") as handle:
        yield from handle.chunks()


def document_scan_run(*, document_id: int) -> str | None:
    """Scan one pending tender document (the task's service). Idempotent."""
    document = (
        TenderDocument.objects.select_related("tender", "uploaded_by")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        return None
    was_pending = document.scan_status == clamd.ScanStatus.PENDING
    status = document_scan(
        document=document,
        chunks=lambda: document_chunks(document),
        audit_obj=document.tender,
        kind="tender",
        label=document.original_name,
    )
    if was_pending and status != clamd.ScanStatus.PENDING:
        # The tender's public page lists a document once its scan has passed.
        page_cache_invalidate()
    return status


@shared_task(name="tenders.scan_tender_document", acks_late=True)
def scan_tender_document(document_id: int) -> str | None:
    """The task: scan one pending tender document; a scanner outage leaves it pending for the
    sweeper (``tenders.tasks.scan_pending_documents``). It lives beside its service because
    :func:`document_upload` schedules it; ``tenders.tasks`` sits above the services."""
    return document_scan_run(document_id=document_id)


def documents_pending_scan() -> list[int]:
    return list(
        TenderDocument.objects.filter(scan_status=clamd.ScanStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
