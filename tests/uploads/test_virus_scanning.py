"""Virus scanning through clamd (CLAMD_URL), against a fake clamd speaking INSTREAM on a local
port: pending until clean, infected files quarantined, audited and their uploader told, and a
scanner outage keeps files pending until the sweeper gets through."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from bids.models import BidDocument
from bids.services import bid_files as bid_documents
from bids.services import bids as bid_services
from bids.services.bids import BidIncomplete
from bids.tasks import scan_pending_documents as sweep_bid_documents
from marketplace import clamd
from marketplace.clamd import ScanStatus
from marketplace.models import AuditEvent, Notification
from tenders.models import TenderDocument
from tenders.services import tender_files as tender_documents
from tenders.tasks import scan_pending_documents as sweep_tender_documents
from tests.factories.bids import draft_bid
from tests.factories.tenders import MINIMAL_PDF
from tests.uploads.fake_clamd import EICAR, FakeClamd, FakeClamdUnix, closed_port_url

INFECTED_PDF = MINIMAL_PDF + b"\n%" + EICAR + b"\n"


@pytest.fixture
def fake_clamd(settings):
    with FakeClamd() as server:
        settings.CLAMD_URL = server.url
        yield server


# --- The client ---------------------------------------------------------------------------------


def test_the_client_speaks_instream(fake_clamd):
    assert clamd.scan([b"hei ", b"og hopp"]) == clamd.Verdict(ScanStatus.CLEAN)
    assert fake_clamd.streams == [b"hei og hopp"]
    found = clamd.scan([b"%PDF", EICAR])
    assert found.status == ScanStatus.INFECTED and found.signature == "Eicar-Test-Signature"


def test_the_client_speaks_over_a_unix_socket(tmp_path):
    path = str(tmp_path / "clamd.ctl")
    with FakeClamdUnix(path) as server:
        assert clamd.scan([EICAR], url=path).status == ScanStatus.INFECTED
        assert clamd.scan([b"hei"], url=f"unix://{path}").status == ScanStatus.CLEAN
    assert server.streams == [EICAR, b"hei"]


def test_the_client_reports_an_outage(settings):
    settings.CLAMD_URL = closed_port_url()
    with pytest.raises(clamd.ScannerUnavailable):
        clamd.scan([b"hei"])


def test_clamds_own_errors_are_errors_not_clean():
    verdict = clamd.parse_reply(b"INSTREAM size limit exceeded. ERROR\0")
    assert verdict.status == ScanStatus.ERROR and "size limit" in verdict.signature


# --- Tender documents -------------------------------------------------------------------------


def _upload_tender_document(draft, officer, data, capture):
    with capture(execute=True):
        document = tender_documents.document_upload(
            tender=draft, by=officer, uploaded=SimpleUploadedFile("vedlegg.pdf", data)
        )
    document.refresh_from_db()
    return document


def _download(client, document):
    return client.get(
        reverse("tenders:document_download", args=[document.tender.reference, document.pk])
    )


@pytest.mark.django_db
def test_a_clean_tender_document_becomes_available(
    fake_clamd, draft, procurement_officer, buyer_client, django_capture_on_commit_callbacks
):
    document = _upload_tender_document(
        draft, procurement_officer, MINIMAL_PDF, django_capture_on_commit_callbacks
    )

    assert document.scan_status == ScanStatus.CLEAN and document.scanned_at is not None
    assert fake_clamd.streams == [MINIMAL_PDF]
    assert _download(buyer_client, document).status_code == 200


@pytest.mark.django_db
def test_an_infected_tender_document_is_quarantined_audited_and_its_uploader_told(
    fake_clamd, draft, procurement_officer, buyer_client, django_capture_on_commit_callbacks
):
    document = _upload_tender_document(
        draft, procurement_officer, INFECTED_PDF, django_capture_on_commit_callbacks
    )

    assert document.scan_status == ScanStatus.INFECTED
    assert document.scan_result == "Eicar-Test-Signature"
    assert _download(buyer_client, document).status_code == 404
    event = AuditEvent.objects.get(action="tender.document_quarantined")
    assert event.after["result"] == "Eicar-Test-Signature"
    assert Notification.objects.filter(
        recipient=procurement_officer, key=f"scan:tender:{document.pk}"
    ).exists()


@pytest.mark.django_db
def test_an_outage_keeps_the_document_pending_until_the_sweeper_gets_through(
    settings, draft, procurement_officer, buyer_client, django_capture_on_commit_callbacks
):
    # given a scanner that is down when the document is uploaded
    settings.CLAMD_URL = closed_port_url()
    document = _upload_tender_document(
        draft, procurement_officer, MINIMAL_PDF, django_capture_on_commit_callbacks
    )
    assert document.scan_status == ScanStatus.PENDING
    assert _download(buyer_client, document).status_code == 404
    assert sweep_tender_documents() == 1  # still down: still pending
    assert TenderDocument.objects.get().scan_status == ScanStatus.PENDING

    # when it is back, the sweeper sends the document again
    with FakeClamd() as server:
        settings.CLAMD_URL = server.url
        sweep_tender_documents()

    # then the document is clean and downloadable
    assert TenderDocument.objects.get().scan_status == ScanStatus.CLEAN
    assert _download(buyer_client, document).status_code == 200


@pytest.mark.django_db
def test_without_a_scanner_documents_are_available_unscanned(draft, procurement_officer):
    document = tender_documents.document_upload(
        tender=draft, by=procurement_officer, uploaded=SimpleUploadedFile("a.pdf", MINIMAL_PDF)
    )
    assert document.scan_status == ScanStatus.UNSCANNED and document.is_available


# --- Bid documents ------------------------------------------------------------------------------


def _upload_bid_document(bid, data, capture, *, execute=True):
    with capture(execute=execute):
        document = bid_documents.document_upload(
            bid=bid, by=bid.created_by, uploaded=SimpleUploadedFile("tilbud.pdf", data)
        )
    document.refresh_from_db()
    return document


@pytest.mark.django_db
def test_a_bid_waits_for_its_documents_scan_before_it_can_be_submitted(
    fake_clamd, django_capture_on_commit_callbacks
):
    # given a document stored while its scan has not run yet
    bid = draft_bid()
    document = _upload_bid_document(
        bid, MINIMAL_PDF, django_capture_on_commit_callbacks, execute=False
    )
    assert document.scan_status == ScanStatus.PENDING

    # then the bid cannot be submitted, and says why
    with translation.override("en"), pytest.raises(BidIncomplete) as caught:
        bid_services.bid_submit(bid=bid, by=bid.created_by)
    assert "still being scanned" in caught.value.message

    # when the scan has run (the plaintext is scanned, not the sealed file), it can
    sweep_bid_documents()
    assert fake_clamd.streams == [MINIMAL_PDF]
    bid.refresh_from_db()
    assert bid_services.bid_submit(bid=bid, by=bid.created_by).status == "submitted"


@pytest.mark.django_db
def test_an_infected_bid_document_blocks_submission_and_download(
    fake_clamd, client, django_capture_on_commit_callbacks
):
    bid = draft_bid()
    document = _upload_bid_document(bid, INFECTED_PDF, django_capture_on_commit_callbacks)

    assert document.scan_status == ScanStatus.INFECTED
    assert AuditEvent.objects.filter(action="bid.document_quarantined").exists()
    assert Notification.objects.filter(recipient=bid.created_by).exists()
    with translation.override("en"), pytest.raises(BidIncomplete) as caught:
        bid_services.bid_submit(bid=bid, by=bid.created_by)
    assert "quarantined" in caught.value.message
    client.force_login(bid.created_by)
    response = client.get(
        reverse(
            "bids:supplier_document_download",
            kwargs={"public_id": bid.public_id, "document_id": document.public_id},
        )
    )
    assert response.status_code == 302  # back to the list, with the reason
    assert BidDocument.objects.get().scan_status == ScanStatus.INFECTED


@pytest.mark.django_db
def test_the_public_page_lists_only_clean_documents(
    fake_clamd, buyer, buyer_unit, procurement_officer, client, django_capture_on_commit_callbacks
):
    from tests.factories import TenderDocumentFactory, TenderFactory

    tender = TenderFactory(buyer=buyer, unit=buyer_unit, published=True)
    TenderDocumentFactory(tender=tender, title="Ren fil", scan_status=ScanStatus.CLEAN)
    TenderDocumentFactory(tender=tender, title="Smittet fil", scan_status=ScanStatus.INFECTED)
    TenderDocumentFactory(tender=tender, title="Venter fil", scan_status=ScanStatus.PENDING)

    page = client.get(reverse("tenders:tender_detail", args=[tender.reference])).content.decode()

    assert "Ren fil" in page
    assert "Smittet fil" not in page and "Venter fil" not in page
