"""One upload validator: tender documents refuse what bid documents refuse (macros, zip bombs,
unsafe or encrypted package entries, names outside the allow-list), and nothing is stored."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bids.models import BidDocument
from bids.services import bid_files as bid_documents
from marketplace.uploads import BID_DOCUMENT, UploadRejected, check_upload
from tenders.models import TenderDocument
from tenders.services import tender_files as tender_documents
from tenders.storage import private_document_storage
from tests.factories.bids import draft_bid

pytestmark = pytest.mark.django_db

CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def _docx(*extra, encrypted: str = "", types: bytes = CONTENT_TYPES) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", types)
        package.writestr("word/document.xml", b"<w/>")
        for name, data in extra:
            package.writestr(name, data)
    data = buffer.getvalue()
    if encrypted:  # set the "encrypted" bit in the central directory, as a password would
        name = encrypted.encode()
        at = data.index(b"PK\x01\x02")
        while data[at + 46 : at + 46 + len(name)] != name:
            at = data.index(b"PK\x01\x02", at + 4)
        flags = int.from_bytes(data[at + 8 : at + 10], "little") | 0x1
        data = data[: at + 8] + flags.to_bytes(2, "little") + data[at + 10 :]
    return data


DOCM = _docx(types=CONTENT_TYPES.replace(b"document.main", b"document.macroEnabled.main"))
BAD_FILES = [
    ("makro2.docx", DOCM, "document_macros"),
    ("tilbud.docm", _docx(), "document_macros"),
    (
        "makro.docx",
        _docx(("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")),
        "document_macros",
    ),
    # 40 MB of zeros packed into some 40 kB: far more than 100 times the file
    (
        "bombe.docx",
        _docx(("word/media/fill.bin", b"\0" * (40 * 1024 * 1024))),
        "document_unpacks_too_large",
    ),
    ("sti.docx", _docx(("../../etc/cron.d/x", b"* * * * * root sh")), "document_unsafe_paths"),
    ("sti2.docx", _docx(("/etc/passwd", b"root")), "document_unsafe_paths"),
    ("sti3.docx", _docx(("word\\..\\..\\x", b"x")), "document_unsafe_paths"),
    (
        "laast.docx",
        _docx(("word/secret.xml", b"<x/>"), encrypted="word/secret.xml"),
        "document_encrypted",
    ),
    (
        "mange.docx",
        _docx(*[(f"word/p{n}.xml", b"") for n in range(5001)]),
        "document_unpacks_too_large",
    ),
    ("kart.exe", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "document_extension_not_allowed"),
    ("side.html", b"%PDF-1.4\n", "document_extension_not_allowed"),
]


def _stored_files() -> list[Path]:
    root = Path(private_document_storage.location)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.parametrize(("name", "data", "code"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_tender_documents_refuse_what_bid_documents_refuse(
    draft, procurement_officer, name, data, code
):
    with pytest.raises(UploadRejected) as tender_refusal:
        tender_documents.document_upload(
            tender=draft, by=procurement_officer, uploaded=SimpleUploadedFile(name, data)
        )
    bid = draft_bid()
    with pytest.raises(UploadRejected) as bid_refusal:
        bid_documents.document_upload(
            bid=bid, by=bid.created_by, uploaded=SimpleUploadedFile(name, data)
        )

    assert tender_refusal.value.code == bid_refusal.value.code == code
    assert tender_refusal.value.field == "file"
    assert tender_refusal.value.message == bid_refusal.value.message
    assert not TenderDocument.objects.exists() and not BidDocument.objects.exists()
    assert _stored_files() == []


def test_a_plain_docx_passes_and_keeps_its_name():
    checked = check_upload(SimpleUploadedFile("Avtale.DOCX", _docx()), purpose=BID_DOCUMENT)
    assert checked.extension == "docx" and checked.name == "Avtale.docx"


def test_the_absolute_unpacked_limit_applies_even_to_well_compressed_files(settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 1024
    with pytest.raises(UploadRejected) as caught:
        check_upload(
            SimpleUploadedFile("a.docx", _docx(("word/x.xml", b"a" * 2048))), purpose=BID_DOCUMENT
        )
    assert caught.value.code == "document_unpacks_too_large"


def test_the_messages_are_in_bokmaal_too():
    from django.utils import translation

    with translation.override("nb"), pytest.raises(UploadRejected) as caught:
        check_upload(SimpleUploadedFile("tilbud.docm", _docx()), purpose=BID_DOCUMENT)
    assert "makro" in caught.value.message.lower()


def test_editors_documents_in_wagtail_pass_the_same_validator(admin_user):
    from wagtail.documents.forms import get_document_form
    from wagtail.documents.models import Document
    from wagtail.models import Collection

    form_class = get_document_form(Document)
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")

    def form(name, data):
        return form_class(
            data={"title": "Vedlegg", "collection": root.pk},
            files={"file": SimpleUploadedFile(name, data)},
            user=admin_user,
        )

    refused = form("makro.docx", _docx(("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")))
    assert not refused.is_valid()
    assert refused.errors.as_data()["file"][0].code == "document_macros"
    disguised = form("side.txt", b"<html><script>alert(1)</script></html>")
    assert not disguised.is_valid()
    assert form("tall.csv", "år;antall\n2026;3\n".encode()).is_valid()
    assert form("rapport.pdf", b"%PDF-1.7\n%%EOF\n").is_valid()
