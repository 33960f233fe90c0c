"""Bid documents: checked by their content, encrypted under the bid's data key before anything
touches the disk, and kept in private storage (never under MEDIA_ROOT, never a public URL).

Allowed: PDF, Office Open XML (DOCX, XLSX, PPTX), OpenDocument (ODT, ODS, ODP), PNG and JPEG —
detected from the bytes, not the name. Refused: anything else (HTML, SVG, scripts, executables
whatever they are called, plain ZIP archives), macro-enabled Office files, empty files, and
files over the per-file (``BID_DOCUMENT_MAX_BYTES``) or per-bid (``BID_TOTAL_MAX_BYTES``) limit.

The file name and title go into ``sealed_meta``; the row keeps only the detected type, the size
and the SHA-256 of the plaintext (printed on the receipt).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from bids.models import Bid, BidDocument
from bids.services import sealing
from bids.services.bids import (
    documents_size,
    lock_bid,
    require_before_deadline,
    require_draft,
    require_prepare,
)
from marketplace.errors import DomainError
from marketplace.services.audit import audit_record
from tenders.services.documents import ALLOWED_NAMES, ALLOWED_TYPES, detect_type, safe_name

ZIP_BASED = {mime for mime in ALLOWED_TYPES if "openxmlformats" in mime or "opendocument" in mime}
# An Office file whose parts unpack to more than this many times its size is refused.
MAX_EXPANSION = 100


class BidDocumentRejected(DomainError):
    code = "bid_document_rejected"


def _reject(message: str, code: str) -> BidDocumentRejected:
    return BidDocumentRejected(message, code=code, field="file")


def _check_package(data: bytes) -> None:
    """Office Open XML and OpenDocument files are ZIP packages: no macros, sane paths and sizes."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = package.namelist()
        infos = package.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise _reject(_("The file is damaged and cannot be read."), "document_damaged") from None
    macro_message = _(
        "Files with macros cannot be uploaded. Save the document without macros "
        "(for example as DOCX or PDF) and try again."
    )
    for name in names:
        lowered = name.lower()
        if lowered.startswith("/") or ".." in lowered.split("/") or "\\" in lowered:
            raise _reject(_("The file is damaged and cannot be read."), "document_damaged")
        if lowered.endswith("vbaproject.bin") or lowered.startswith(("basic/", "scripts/")):
            raise _reject(macro_message, "document_macros")
    if "[Content_Types].xml" in names:
        types = package.read("[Content_Types].xml")
        if b"macroenabled" in types.lower():
            raise _reject(macro_message, "document_macros")
    if sum(info.file_size for info in infos) > max(len(data), 1) * MAX_EXPANSION:
        raise _reject(_("The file is damaged and cannot be read."), "document_damaged")


def check_bid_upload(uploaded, *, bid: Bid) -> tuple[str, str, bytes]:
    """Refuse what may not be uploaded. Returns (content type, extension, the bytes)."""
    limit = settings.BID_DOCUMENT_MAX_BYTES
    size = uploaded.size or 0
    if not size:
        raise _reject(_("The file is empty."), "document_empty")
    if size > limit:
        raise _reject(
            _("The file is %(size)s; a file may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            "document_too_large",
        )
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
    mime = detect_type(uploaded)
    if mime not in ALLOWED_TYPES:
        raise _reject(
            _(
                "This kind of file cannot be uploaded (archives such as ZIP are refused too). "
                "Allowed: %(kinds)s."
            )
            % {"kinds": ALLOWED_NAMES},
            "document_type_not_allowed",
        )
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    if mime in ZIP_BASED:
        _check_package(data)
    return mime, ALLOWED_TYPES[mime], data


def _store(document: BidDocument, plaintext: bytes, meta: dict, *, key: bytes) -> None:
    """Encrypt and write the file, then the row; if the row fails, the file goes too."""
    document.sha256 = hashlib.sha256(plaintext).hexdigest()
    document.size = len(plaintext)
    sealing.seal_document_meta(document, meta, key=key)
    sealed = sealing.seal_document_bytes(document, plaintext, key=key)
    document.file.save("sealed", ContentFile(sealed), save=False)
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
    content_type, extension, data = check_bid_upload(uploaded, bid=bid)
    key = sealing.data_key(bid)
    document = BidDocument(bid=bid, content_type=content_type, uploaded_by=by, uploaded_at=now)
    meta = {
        "name": safe_name(getattr(uploaded, "name", ""), extension),
        "title": (title or "").strip()[:200],
    }
    _store(document, data, meta, key=key)
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
            plaintext = sealing.unseal_document_bytes(original, key=source_key)
            meta = sealing.unseal_document_meta(original, key=source_key)
            copy = BidDocument(
                bid=target,
                content_type=original.content_type,
                uploaded_by=original.uploaded_by,
                uploaded_at=original.uploaded_at,
            )
            _store(copy, plaintext, meta, key=key)
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
    """The decrypted file. Callers have passed the seal's check."""
    return sealing.unseal_document_bytes(document, key=key)


def download_name(document: BidDocument, *, key: bytes | None = None) -> str:
    """The name a download gets: the uploaded name, cleaned (``safe_name``). Callers have passed
    the seal's check."""
    name = document_meta(document, key=key).get("name", "")
    return safe_name(name, name.rpartition(".")[2] or "bin")
