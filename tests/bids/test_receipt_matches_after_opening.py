"""Done-when of the bids issue: the receipt's hashes match the documents after opening."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.urls import reverse

from bids.models import BidDocument
from bids.services.opening import opening_start
from marketplace.models import Role
from tests.factories import SupplierFactory, cpv_code
from tests.factories.bid_evaluation import buyer_user
from tests.factories.bids import MINIMAL_PDF, submitted_bid, supplier_member, tender_ready_for_bids

pytestmark = pytest.mark.django_db

DOCUMENT = MINIMAL_PDF + b"\n% tilbudsbrev fra Hemmelig AS\n"


def test_the_receipt_hashes_match_the_documents_the_buyer_downloads_after_opening(
    client, buyer, buyer_unit, procurement_officer
):
    tender = tender_ready_for_bids(
        buyer=buyer, unit=buyer_unit, lots=1, main_cpv=cpv_code("72000000", "IT services")
    )
    lead = supplier_member(SupplierFactory(name="Hemmelig AS"), email="lead@hemmelig.test")
    bid = submitted_bid(tender=tender, by=lead, documents=[("tilbudsbrev.pdf", DOCUMENT)])

    client.force_login(lead)
    receipt = client.get(
        reverse("bids:supplier_receipt_download", kwargs={"public_id": bid.public_id})
    )
    assert receipt.status_code == 200
    text = receipt.content.decode()
    receipt_hashes = set(re.findall(r"\b[0-9a-f]{64}\b", text))
    assert bid.content_sha256 in receipt_hashes

    opener = buyer_user(buyer, Role.BID_OPENER, unit=buyer_unit, email="apner@afk.test")
    opening_start(
        tender=tender, by=opener, now=tender.submission_deadline + datetime.timedelta(minutes=1)
    )

    client.force_login(procurement_officer)
    downloaded = []
    for document in BidDocument.objects.filter(bid=bid):
        response = client.get(
            reverse(
                "bids:bids_bid_document",
                kwargs={
                    "reference": tender.reference,
                    "public_id": bid.public_id,
                    "document_id": document.public_id,
                },
            )
        )
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        downloaded.append(hashlib.sha256(body).hexdigest())
    assert downloaded == [hashlib.sha256(DOCUMENT).hexdigest()]
    assert set(downloaded) <= receipt_hashes
