"""Files attached to a bid (its documents): checked by the one upload validator, encrypted in
chunks before anything touches the disk, and kept in private storage (never under MEDIA_ROOT,
never a public URL).

The checks are ``marketplace.uploads`` (types by content — PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP,
PNG, JPEG — no macros, no zip bombs, unsafe or encrypted package entries, the per-file limit
``BID_DOCUMENT_MAX_BYTES``, the organisation's quota) plus the per-bid limit
``BID_TOTAL_MAX_BYTES``. The upload is read chunk by chunk: each chunk is hashed (SHA-256 of the
plaintext, printed on the receipt) and encrypted (``bids.crypto`` chunked format) into a
temporary file that is moved into place, so a 200 MB file never sits in memory.

Virus scanning (``CLAMD_URL``): the document is stored ``pending`` and a task
(:func:`scan_bid_document`, defined here) decrypts it chunk by chunk in the worker's memory and
streams the plaintext to clamd (the plaintext never touches the disk; the server holds the keys
anyway). A pending, infected or failed document cannot be downloaded, and a bid holding one
cannot be submitted (``scan_problems``).

The file name and title go into ``sealed_meta``; the row keeps only the detected type, the size
and the SHA-256 of the plaintext. :func:`document_plaintext_stream` reads a document back as
plaintext chunks (downloads, integrity checks).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Iterator

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from bids.models import Bid, BidDocument
from bids.services import sealing
from bids.services.guards import lock_bid, require_before_deadline, require_draft, require_prepare
from marketplace import clamd
from marketplace.services.audit import audit_record
from marketplace.services.scans import document_scan
from marketplace.uploads import (
    BID_DOCUMENT,
    CheckedUpload,
    UploadRejected,
    check_package,
    check_quota,
    check_upload,
    safe_name,
    store_chunks,
)

BidDocumentRejected = UploadRejected  # the name callers and tests know
_check_package = check_package  # the package checks live in marketplace.uploads now


def _reject(message: str, code: str) -> UploadRejected:
    return UploadRejected(message, code=code, field="file")


def check_bid_upload(uploaded, *, bid: Bid) -> CheckedUpload:
    """Refuse what may not be uploaded to ``bid``; nothing is read into memory."""
    checked = check_upload(uploaded, purpose=BID_DOCUMENT)
    size = checked.size
    total_limit = settings.BID_TOTAL_MAX_BYTES
    used = documents_size(bid)
    if used + size > total_limit:
        raise _reject(
            _(
                "The bid's documents may come to at most %(limit)s; %(used)s is used, and this "
                "file is %(size)s."
            )
            % {
                "limit": filesizeformat(total_limit),
                "used": filesizeformat(used),
                "size": filesizeformat(size),
            },
            "document_bid_too_large",
        )
    check_quota(bid.supplier_id, size)
    return checked


def documents_size(bid: Bid) -> int:
    """Bytes of the documents attached to ``bid``."""
    return bid.documents.aggregate(total=Sum("size"))["total"] or 0


def storage_used(organisation_id: int) -> int:
    """Bytes of bid documents the organisation stores (every version of every bid)."""
    total = BidDocument.objects.filter(bid__supplier_id=organisation_id).aggregate(
        total=Sum("size")
    )["total"]
    return total or 0


def _store(document: BidDocument, chunks: Iterable[bytes], meta: dict, *, key: bytes) -> None:
    """Hash and encrypt the plaintext ``chunks`` into storage, then write the row; if the row
    fails, the file goes too."""
    digest = hashlib.sha256()
    size = 0

    def hashed() -> Iterator[bytes]:
        nonlocal size
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            yield chunk

    sealing.seal_document_meta(document, meta, key=key)
    store_chunks(document.file, "sealed", sealing.seal_document_stream(document, hashed(), key=key))
    document.sha256 = digest.hexdigest()
    document.size = size
    try:
        document.full_clean(exclude=["bid", "file"])
        with transaction.atomic():
            document.save(force_insert=True)
    except BaseException:
        document.file.delete(save=False)
        raise


@transaction.atomic
def document_upload(
    *, bid: Bid, by, uploaded, title: str = "", now: datetime.datetime | None = None
) -> BidDocument:
    """Check, encrypt and store one document of a draft."""
    now = now or timezone.now()
    require_prepare(by, bid)
    bid = lock_bid(bid)
    require_draft(bid)
    require_before_deadline(bid.tender, now)
    checked = check_bid_upload(uploaded, bid=bid)
    key = sealing.data_key(bid)
    document = BidDocument(
        bid=bid,
        content_type=checked.content_type,
        uploaded_by=by,
        uploaded_at=now,
        scan_status=clamd.initial_status(),
    )
    meta = {"name": checked.name, "title": (title or "").strip()[:200]}
    uploaded.seek(0)
    _store(document, uploaded.chunks(), meta, key=key)
    try:
        audit_record(
            actor=by,
            action="bid.document_added",
            obj=bid,
            after={
                "bid": str(bid.public_id),
                "document": str(document.public_id),
                "size": document.size,
                "sha256": document.sha256,
            },
        )
    except BaseException:
        document.file.delete(save=False)
        raise
    if document.scan_status == clamd.ScanStatus.PENDING:
        pk = document.pk
        transaction.on_commit(lambda: scan_bid_document.delay(pk))
    return document


@transaction.atomic
def document_remove(*, document: BidDocument, by, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    require_prepare(by, document.bid)
    bid = lock_bid(document.bid)
    require_draft(bid)
    require_before_deadline(bid.tender, now)
    data = {"bid": str(bid.public_id), "document": str(document.public_id)}
    stored, storage = document.file.name, document.file.storage
    document.delete()
    audit_record(actor=by, action="bid.document_removed", obj=bid, before=data)
    transaction.on_commit(lambda: storage.delete(stored))


def copy_documents(*, source: Bid, target: Bid, key: bytes, by) -> list[BidDocument]:
    """Re-encrypt every document of ``source`` under ``target``'s data key (a new version).

    Called inside the caller's transaction; a failure removes the files already written.
    """
    source_key = sealing.data_key(source)
    written: list[BidDocument] = []
    try:
        for original in source.documents.all():
            meta = sealing.unseal_document_meta(original, key=source_key)
            copy = BidDocument(
                bid=target,
                content_type=original.content_type,
                uploaded_by=original.uploaded_by,
                uploaded_at=original.uploaded_at,
                scan_status=original.scan_status,
                scanned_at=original.scanned_at,
                scan_result=original.scan_result,
            )
            _store(copy, sealing.unseal_document_stream(original, key=source_key), meta, key=key)
            written.append(copy)
    except BaseException:
        delete_files(written)
        raise
    return written


def delete_files(documents: list[BidDocument]) -> None:
    for document in documents:
        document.file.delete(save=False)


def document_meta(document: BidDocument, *, key: bytes | None = None) -> dict:
    """The document's name and title. Callers have passed the seal's check."""
    return sealing.unseal_document_meta(document, key=key)


def document_plaintext(document: BidDocument, *, key: bytes | None = None) -> bytes:
    """The decrypted file, whole (small files only). Callers have passed the seal's check."""
    return sealing.unseal_document_bytes(document, key=key)


def document_plaintext_stream(
    document: BidDocument, *, key: bytes | None = None
) -> Iterator[bytes]:
    """The decrypted file, chunk by chunk (at most one chunk in memory); each chunk is
    authenticated before it is yielded. Callers have passed the seal's check."""
    return sealing.unseal_document_stream(document, key=key)


def is_available(document: BidDocument) -> bool:
    """Whether the document may be downloaded or submitted (not pending, infected or failed)."""
    return clamd.is_available(document.scan_status)


def scan_problems(bid: Bid) -> list[tuple[str | None, str]]:
    """Documents that keep ``bid`` from being submitted until their virus scan is done."""
    statuses = set(bid.documents.values_list("scan_status", flat=True))
    problems: list[tuple[str | None, str]] = []
    if clamd.ScanStatus.PENDING in statuses:
        problems.append(
            (
                "documents",
                _(
                    "A document is still being scanned for viruses. Wait a minute and try "
                    "again; the bid can be submitted when the scan is done."
                ),
            )
        )
    if statuses & {clamd.ScanStatus.INFECTED, clamd.ScanStatus.ERROR}:
        problems.append(
            (
                "documents",
                _(
                    "A document was quarantined by the virus scan. Remove it (and upload a clean "
                    "copy) before you submit."
                ),
            )
        )
    return problems


# --- Virus scanning ---------------------------------------------------------------------------


def document_scan_run(*, document_id: int) -> str | None:
    """Scan one pending bid document: decrypted chunk by chunk in memory, streamed to clamd.
    Idempotent (the task's service)."""
    document = (
        BidDocument.objects.select_related("bid", "bid__tender", "uploaded_by")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        return None
    return document_scan(
        document=document,
        chunks=lambda: document_plaintext_stream(document),
        audit_obj=document.bid,
        kind="bid",
        label=lambda: (
            _("a document of your bid for %(tender)s") % {"tender": document.bid.tender.reference}
        ),
    )


@shared_task(name="bids.scan_bid_document", acks_late=True)
def scan_bid_document(document_id: int) -> str | None:
    """The task: scan one pending bid document; a scanner outage leaves it pending for the
    sweeper (``bids.tasks.scan_pending_documents``). It lives beside its service because
    :func:`document_upload` schedules it; ``bids.tasks`` sits above the services."""
    return document_scan_run(document_id=document_id)


def documents_pending_scan() -> list[int]:
    return list(
        BidDocument.objects.filter(scan_status=clamd.ScanStatus.PENDING).values_list(
            "pk", flat=True
        )
    )


def download_name(document: BidDocument, *, key: bytes | None = None) -> str:
    """The name a download gets: the uploaded name, cleaned (``safe_name``). Callers have passed
    the seal's check."""
    name = document_meta(document, key=key).get("name", "")
    return safe_name(name, name.rpartition(".")[2] or "bin")
