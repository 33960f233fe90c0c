"""Uploads are checked by content; downloads are attachments only the right people get."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace.errors import DomainError
from tenders.models import Amendment
from tenders.services.tender_files import DocumentRejected, document_remove, document_upload
from tests.factories import TenderDocumentFactory
from tests.factories.tenders import MINIMAL_PDF

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "expected_type", "expected_name"),
    [
        (MINIMAL_PDF, "Konkurransegrunnlag.pdf", "application/pdf", "Konkurransegrunnlag.pdf"),
        (PNG, "kart.pdf", "image/png", "kart.png"),  # the name follows the content
        (
            _docx(),
            "../../avtale.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "avtale.docx",
        ),
    ],
)
def test_upload_detects_the_type_by_content(
    draft, procurement_officer, content, name, expected_type, expected_name
):
    document = document_upload(
        tender=draft, by=procurement_officer, uploaded=SimpleUploadedFile(name, content)
    )
    assert document.content_type == expected_type
    assert document.original_name == expected_name
    assert document.size == len(content)
    assert len(document.sha256) == 64
    assert expected_name not in document.file.name  # stored under a random name


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "document_empty"),
        (b"<html><script>alert(1)</script></html>", "document_type_not_allowed"),
        (b"MZ\x90\x00" + b"\x00" * 100, "document_type_not_allowed"),
    ],
)
def test_upload_refuses_empty_and_unknown_content(draft, procurement_officer, content, code):
    with pytest.raises(DocumentRejected) as caught:
        document_upload(
            tender=draft, by=procurement_officer, uploaded=SimpleUploadedFile("a.pdf", content)
        )
    assert caught.value.code == code
    assert not draft.documents.exists()


def test_upload_refuses_files_over_the_limit(draft, procurement_officer, settings):
    settings.TENDER_DOCUMENT_MAX_BYTES = 10
    with pytest.raises(DocumentRejected) as caught:
        document_upload(
            tender=draft, by=procurement_officer, uploaded=SimpleUploadedFile("a.pdf", MINIMAL_PDF)
        )
    assert caught.value.code == "document_too_large"


def test_adding_and_withdrawing_on_a_published_tender_are_amendments(
    published, procurement_officer
):
    with pytest.raises(Exception):  # noqa: B017 - the summary is required
        document_upload(
            tender=published,
            by=procurement_officer,
            uploaded=SimpleUploadedFile("a.pdf", MINIMAL_PDF),
        )
    document = document_upload(
        tender=published,
        by=procurement_officer,
        uploaded=SimpleUploadedFile("vedlegg.pdf", MINIMAL_PDF),
        summary="Nytt vedlegg.",
    )
    first = Amendment.objects.get(tender=published)
    assert first.changes["tender_documents"]["before"] == []
    document_remove(document=document, by=procurement_officer, summary="Feil vedlegg.")
    document.refresh_from_db()
    assert document.removed_at is not None
    assert Amendment.objects.filter(tender=published).count() == 2


def test_documents_of_a_closed_tender_cannot_change(buyer, buyer_unit, procurement_officer):
    from tests.factories import TenderFactory

    closed = TenderFactory(buyer=buyer, unit=buyer_unit, closed=True)
    with pytest.raises(DomainError):
        document_upload(
            tender=closed, by=procurement_officer, uploaded=SimpleUploadedFile("a.pdf", MINIMAL_PDF)
        )


# --- Download -------------------------------------------------------------------------------------


def _url(document):
    return reverse("tenders:document_download", args=(document.tender.reference, document.pk))


def test_anyone_downloads_a_public_tenders_document_as_an_attachment(client, published):
    document = TenderDocumentFactory(tender=published, original_name="grunnlag.pdf")
    response = client.get(_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="grunnlag.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_a_drafts_documents_are_only_for_its_buyer(client, buyer_client, draft, supplier_admin):
    document = TenderDocumentFactory(tender=draft)
    assert buyer_client.get(_url(document)).status_code == 200
    client.logout()
    assert client.get(_url(document)).status_code == 404
    client.force_login(supplier_admin)
    assert client.get(_url(document)).status_code == 404


def test_a_withdrawn_document_and_a_wrong_reference_are_not_found(client, published, draft):
    from django.utils import timezone

    withdrawn = TenderDocumentFactory(tender=published, removed_at=timezone.now())
    assert client.get(_url(withdrawn)).status_code == 404
    other = TenderDocumentFactory(tender=published)
    url = reverse("tenders:document_download", args=(draft.reference, other.pk))
    assert client.get(url).status_code == 404


def test_documents_are_not_under_the_public_media_root(draft, settings):
    from pathlib import Path

    document = TenderDocumentFactory(tender=draft)
    path = Path(document.file.path).resolve()
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018 - no public URL exists
