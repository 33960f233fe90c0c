"""Virus scans of stored uploads: one pending document is scanned and its verdict recorded.

Every app with uploads (tender documents, bid documents) calls :func:`document_scan` from its
task with a function that yields the document's plaintext. A clean file becomes available; an
infected one is quarantined (``infected``: never downloadable or submittable), audited and its
uploader told; a clamd error (``error``) likewise. When clamd cannot be reached the document
stays ``pending`` and the periodic sweeper sends it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace import clamd
from marketplace.clamd import ScanStatus
from marketplace.services.audit import audit_record
from marketplace.services.notifications import notify

logger = logging.getLogger(__name__)


def document_scan(
    *,
    document,
    chunks: Callable[[], Iterable[bytes]],
    audit_obj,
    kind: str,
    label: str | Callable[[], str],
    url: str = "",
) -> str:
    """Scan ``document`` (a model row with ``scan_status``) if it is pending; returns the status.

    ``kind`` names the audit actions (``<kind>.document_quarantined`` …); ``label`` is what the
    uploader is told the file is (never a sealed name), or a function giving it in the
    uploader's language.
    """
    model = type(document)
    if document.scan_status != ScanStatus.PENDING:
        return document.scan_status
    try:
        verdict = clamd.scan(chunks())
    except clamd.ScannerUnavailable as error:
        logger.warning(
            "virus scanner unavailable, %s %s stays pending: %s", kind, document.pk, error
        )
        return ScanStatus.PENDING
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=document.pk)
        if locked.scan_status != ScanStatus.PENDING:  # a concurrent scan came first
            return locked.scan_status
        locked.scan_status = verdict.status
        locked.scanned_at = timezone.now()
        locked.scan_result = verdict.signature
        locked.save(update_fields=["scan_status", "scanned_at", "scan_result"])
        if verdict.status == ScanStatus.CLEAN:
            return verdict.status
        infected = verdict.status == ScanStatus.INFECTED
        audit_record(
            actor=None,
            action=f"{kind}.document_quarantined" if infected else f"{kind}.document_scan_failed",
            obj=audit_obj,
            after={
                "document": str(getattr(locked, "public_id", locked.pk)),
                "result": verdict.signature,
            },
        )
        if locked.uploaded_by_id:
            _tell_uploader(locked, infected=infected, label=label, url=url, kind=kind)
    return verdict.status


def _tell_uploader(document, *, infected: bool, label, url: str, kind: str) -> None:
    recipient = document.uploaded_by
    with translation.override(getattr(recipient, "language", "") or settings.LANGUAGE_CODE):
        text = label() if callable(label) else label
        title, message = _message(infected=infected, label=text)
    notify(
        recipient=recipient,
        kind="system",
        key=f"scan:{kind}:{document.pk}",
        template="marketplace/notifications/system",
        context={"title": title, "message": message},
        url=url,
    )


def _message(*, infected: bool, label: str) -> tuple[str, str]:
    if infected:
        title = _("A virus was found in a file you uploaded")
        message = _(
            "The virus scan found a virus in %(label)s. The file is quarantined: nobody can "
            "download it, and it cannot be part of a bid. Remove it, and upload a clean copy."
        ) % {"label": label}
    else:
        title = _("A file you uploaded could not be scanned for viruses")
        message = _(
            "The virus scan could not check %(label)s (it may be too large or damaged). The "
            "file cannot be downloaded. Remove it, and upload it again."
        ) % {"label": label}
    return title, message
