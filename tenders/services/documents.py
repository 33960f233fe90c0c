"""Tender documents: uploads checked by their content (not their name), kept privately.

Allowed: PDF, Office Open XML (DOCX, XLSX, PPTX), OpenDocument (ODT, ODS, ODP), PNG and JPEG,
up to ``TENDER_DOCUMENT_MAX_BYTES``. Adding or removing a document of a published tender is an
amendment, like any other change after publication.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata

import filetype
from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.services.audit import audit_record
from tenders import lifecycle
from tenders.models import Tender, TenderDocument
from tenders.services.tender_snapshot import snapshot_diff, tender_snapshot
from tenders.services.tenders import amendment_record, lock, require_manage

# Detected MIME type → the extension the stored name gets.
ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "image/png": "png",
    "image/jpeg": "jpg",
}
ALLOWED_NAMES = "PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, PNG, JPEG"


class DocumentRejected(DomainError):
    code = "document_rejected"


def detect_type(uploaded) -> str | None:
    """The MIME type the file's first bytes show, or None when it is none we know."""
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def safe_name(name: str, extension: str) -> str:
    """The uploaded name for display and download: no folders, no control characters, and the
    extension of the detected type."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(
        ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C"
    )
    stem, _dot, _ext = base.rpartition(".") if "." in base else (base, "", "")
    stem = stem.strip(" .")[:200] or "document"
    return f"{stem}.{extension}"


def check_upload(uploaded) -> tuple[str, str]:
    """Refuse empty, too large or not allowed files. Returns (content type, extension)."""
    limit = settings.TENDER_DOCUMENT_MAX_BYTES
    if not uploaded.size:
        raise DocumentRejected(_("The file is empty."), code="document_empty", field="file")
    if uploaded.size > limit:
        raise DocumentRejected(
            _("The file is %(size)s; files may be at most %(limit)s.")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            code="document_too_large",
            field="file",
        )
    mime = detect_type(uploaded)
    if mime not in ALLOWED_TYPES:
        raise DocumentRejected(
            _("This kind of file cannot be uploaded. Allowed: %(kinds)s.")
            % {"kinds": ALLOWED_NAMES},
            code="document_type_not_allowed",
            field="file",
        )
    return mime, ALLOWED_TYPES[mime]


def _sha256(uploaded) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


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
    content_type, extension = check_upload(uploaded)
    before = tender_snapshot(tender) if lifecycle.is_amendable(tender) else None
    document = TenderDocument(
        tender=tender,
        original_name=safe_name(getattr(uploaded, "name", ""), extension),
        title=title.strip()[:200],
        content_type=content_type,
        size=uploaded.size,
        sha256=_sha256(uploaded),
        uploaded_by=by,
    )
    document.file.save("upload", File(uploaded), save=False)
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
    except Exception:
        document.file.delete(save=False)
        raise
    audit_record(
        actor=by,
        action="tender.document_added",
        obj=tender,
        after={
            "document": document.pk,
            "name": document.original_name,
            "content_type": content_type,
            "size": document.size,
            "sha256": document.sha256,
        },
    )
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


__all__ = ["ALLOWED_TYPES", "DocumentRejected", "document_remove", "document_upload"]
