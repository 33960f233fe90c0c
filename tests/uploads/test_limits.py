"""Too large answers 413 with a clear message, before the body is read; a quota per
organisation keeps one organisation from filling the disk."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from bids.services import bid_files as bid_documents
from marketplace.uploads import UploadRejected, storage_used
from tenders.services import tender_files as tender_documents
from tests.factories.bids import draft_bid
from tests.factories.tenders import MINIMAL_PDF

pytestmark = pytest.mark.django_db


def _documents_url(bid) -> str:
    return reverse("bids:supplier_documents", kwargs={"public_id": bid.public_id})


def test_a_request_over_the_limit_is_refused_before_it_is_read(client, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 1000
    bid = draft_bid()
    client.force_login(bid.created_by)

    response = client.post(
        _documents_url(bid),
        {"file": SimpleUploadedFile("tilbud.pdf", MINIMAL_PDF + b"\0" * 2000)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 413
    page = response.content.decode()
    with translation.override("nb"):  # the bidder's language
        title = translation.gettext("The upload is too large")
    assert title in page and "1000" in page
    assert not bid.documents.exists()


def test_the_api_answers_413_as_problem_json(client, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 10
    response = client.post(
        "/api/v1/anything/", data=b"x" * 100, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "request_too_large"


def test_a_file_over_its_own_limit_answers_413_with_the_reason(client, settings):
    settings.BID_DOCUMENT_MAX_BYTES = 100
    bid = draft_bid()
    client.force_login(bid.created_by)

    response = client.post(
        _documents_url(bid),
        {"file": SimpleUploadedFile("tilbud.pdf", MINIMAL_PDF * 10)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 413
    page = response.content.decode()  # the bidder's language is Bokmål
    assert 'id="id_file_error"' in page and "høyst 100" in page


def test_the_quota_refuses_with_a_clear_error_and_stores_nothing(settings):
    # given a supplier with one bid document stored, and room for two
    settings.UPLOAD_QUOTA_PER_ORGANISATION = len(MINIMAL_PDF) * 2 + 10
    bid = draft_bid(documents=[("a.pdf", MINIMAL_PDF)])
    assert storage_used(bid.supplier_id) == len(MINIMAL_PDF)

    # when a second and a third file are uploaded, the third goes over
    bid_documents.document_upload(
        bid=bid, by=bid.created_by, uploaded=SimpleUploadedFile("b.pdf", MINIMAL_PDF)
    )
    with translation.override("en"), pytest.raises(UploadRejected) as caught:
        bid_documents.document_upload(
            bid=bid, by=bid.created_by, uploaded=SimpleUploadedFile("c.pdf", MINIMAL_PDF)
        )

    # then the refusal says how much is used, and nothing more is stored
    assert caught.value.code == "document_quota" and caught.value.field == "file"
    assert "may store at most" in caught.value.message
    assert storage_used(bid.supplier_id) == 2 * len(MINIMAL_PDF)
    assert bid.documents.count() == 2


def test_tender_documents_count_against_the_buyers_quota(settings, draft, procurement_officer):
    settings.UPLOAD_QUOTA_PER_ORGANISATION = len(MINIMAL_PDF) + 10
    tender_documents.document_upload(
        tender=draft, by=procurement_officer, uploaded=SimpleUploadedFile("a.pdf", MINIMAL_PDF)
    )
    with pytest.raises(UploadRejected) as caught:
        tender_documents.document_upload(
            tender=draft,
            by=procurement_officer,
            uploaded=SimpleUploadedFile("b.pdf", MINIMAL_PDF),
        )
    assert caught.value.code == "document_quota"
    assert draft.documents.count() == 1
