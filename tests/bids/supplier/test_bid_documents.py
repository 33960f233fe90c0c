"""Bid documents: checked by content, encrypted before they touch the disk, no orphans."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from bids.models import BidDocument
from bids.services import bid_files as services
from bids.services import sealing
from tenders.storage import private_document_storage
from tests.factories.bids import MINIMAL_PDF, draft_bid

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40
CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def _zip(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries:
            # OpenDocument's "mimetype" comes first and uncompressed, as office suites write it
            stored = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            package.writestr(name, data, compress_type=stored)
    return buffer.getvalue()


DOCX = _zip([("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", b"<w/>")])
DOCM = _zip(
    [
        (
            "[Content_Types].xml",
            CONTENT_TYPES.replace(b"document.main", b"document.macroEnabled.main"),
        ),
        ("word/document.xml", b"<w/>"),
    ]
)
DOCX_WITH_VBA = _zip(
    [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/document.xml", b"<w/>"),
        ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0"),
    ]
)
ODT = _zip(
    [("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office/>")]
)
ODT_WITH_BASIC = _zip(
    [
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b"<office/>"),
        ("Basic/Standard/Module1.xml", b"<script/>"),
    ]
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def _upload(bid, name, data, **kwargs):
    return services.document_upload(
        bid=bid, by=bid.created_by, uploaded=SimpleUploadedFile(name, data), **kwargs
    )


def _stored_files() -> list[Path]:
    root = Path(private_document_storage.location)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    "name, data, content_type",
    [
        ("tilbud.pdf", MINIMAL_PDF, "application/pdf"),
        ("bilde.png", PNG, "image/png"),
        (
            "beskrivelse.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("beskrivelse.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ],
)
def test_allowed_files_are_stored_encrypted(name, data, content_type):
    bid = draft_bid()

    document = _upload(bid, name, data, title="Vedlegg 1")

    assert document.content_type == content_type
    assert document.size == len(data)
    stored = private_document_storage.path(document.file.name)
    raw = Path(stored).read_bytes()
    assert raw.startswith(b"PMB2") and data not in raw  # the chunked format
    assert name not in document.file.name
    assert sealing.unseal_document_bytes(document) == data
    assert sealing.unseal_document_meta(document) == {"name": name, "title": "Vedlegg 1"}


@pytest.mark.parametrize(
    "name, data, code",
    [
        ("tom.pdf", b"", "document_empty"),
        ("program.pdf", EXE, "document_type_not_allowed"),
        (
            "side.pdf",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "document_type_not_allowed",
        ),
        (
            "bilde.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
            "document_type_not_allowed",
        ),
        ("skript.pdf", b"#!/bin/sh\nrm -rf /\n", "document_type_not_allowed"),
        ("arkiv.zip", _zip([("a.txt", b"hei")]), "document_extension_not_allowed"),
        ("arkiv.pdf", _zip([("a.txt", b"hei")]), "document_type_not_allowed"),
        ("makro.docm", DOCX, "document_macros"),
        ("makro.docx", DOCM, "document_macros"),
        ("makro2.docx", DOCX_WITH_VBA, "document_macros"),
        ("makro.odt", ODT_WITH_BASIC, "document_macros"),
    ],
)
def test_refused_files_leave_nothing(name, data, code):
    bid = draft_bid()

    with pytest.raises(services.BidDocumentRejected) as caught:
        _upload(bid, name, data)

    assert caught.value.code == code and caught.value.field == "file"
    assert not BidDocument.objects.exists()
    assert _stored_files() == []


def test_size_limits_per_file_and_per_bid(settings):
    bid = draft_bid()
    settings.BID_DOCUMENT_MAX_BYTES = len(MINIMAL_PDF) - 1
    with pytest.raises(services.BidDocumentRejected) as caught:
        _upload(bid, "stor.pdf", MINIMAL_PDF)
    assert caught.value.code == "document_too_large"
    assert "125\xa0byte" in caught.value.message and "124\xa0byte" in caught.value.message

    settings.BID_DOCUMENT_MAX_BYTES = 10_000
    settings.BID_TOTAL_MAX_BYTES = len(MINIMAL_PDF) + 10
    _upload(bid, "en.pdf", MINIMAL_PDF)
    with pytest.raises(services.BidDocumentRejected) as caught:
        _upload(bid, "to.pdf", MINIMAL_PDF)
    assert caught.value.code == "document_bid_too_large"
    assert BidDocument.objects.count() == 1


def test_a_failed_save_after_the_file_is_written_leaves_no_file_and_no_row(monkeypatch):
    bid = draft_bid()

    def fail(*args, **kwargs):
        assert _stored_files(), "the file is written before the row"
        raise IntegrityError("the disk was fine, the database was not")

    monkeypatch.setattr(BidDocument, "save", fail)
    with pytest.raises(IntegrityError):
        _upload(bid, "tilbud.pdf", MINIMAL_PDF)

    monkeypatch.undo()
    assert not BidDocument.objects.exists()
    assert _stored_files() == []


def test_documents_of_a_submitted_bid_cannot_be_changed():
    from bids.services.bids import bid_submit
    from marketplace.errors import DomainError

    bid = draft_bid()
    document = _upload(bid, "tilbud.pdf", MINIMAL_PDF)
    bid_submit(bid=bid, by=bid.created_by)
    with pytest.raises(DomainError):
        _upload(bid, "mer.pdf", MINIMAL_PDF)
    with pytest.raises(DomainError):
        services.document_remove(document=document, by=bid.created_by)
