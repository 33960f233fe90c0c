"""``manage.py verify_bid_integrity``: every submitted bid's documents and content re-hashed
against its receipt; a tampered, missing or mis-hashed document is named and fails the run."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bids import crypto
from bids.models import Bid, BidDocument
from tests.factories.bids import (
    MINIMAL_PDF,
    draft_bid,
    submitted_bid,
    supplier_member,
    tender_ready_for_bids,
)

pytestmark = pytest.mark.django_db

LETTER = MINIMAL_PDF + b"\n% tilbudsbrev\n"
PRICES = MINIMAL_PDF + b"\n% prisskjema\n"


@pytest.fixture
def bids():
    tender = tender_ready_for_bids()
    first = submitted_bid(tender=tender, documents=[("brev.pdf", LETTER), ("pris.pdf", PRICES)])
    second = submitted_bid(tender=tender, documents=[("brev.pdf", LETTER)])
    # a draft has no receipt; its documents are not checked
    draft_bid(tender=tender, by=supplier_member(), documents=[("utkast.pdf", LETTER)])
    return first, second


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_bid_integrity", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_clean_store_passes_with_a_summary(bids):
    out, err = run("-v", "2", "--progress-every", "1")

    size = len(LETTER) * 2 + len(PRICES)
    assert out.strip() == (
        f"Bid integrity intact: 2 submitted bids, 3 documents ({size} bytes decrypted) "
        "match their receipts."
    )
    assert "  bids checked: 1/2 (50%) [" in err
    assert "  bids checked: 2/2 (100%) [" in err


def test_a_changed_byte_in_a_stored_file_fails_naming_the_document(bids):
    first, _second = bids
    document = first.documents.order_by("pk").last()
    path = Path(document.file.path)
    data = bytearray(path.read_bytes())
    data[-20] ^= 0x01
    path.write_bytes(bytes(data))

    with pytest.raises(CommandError) as failure:
        run()

    message = str(failure.value)
    assert f"bid {first.public_id}" in message
    assert f"document {document.public_id}" in message
    assert "does not decrypt" in message
    assert "1 problem in 2 submitted bids, 3 documents" in message


def test_a_missing_file_fails_naming_the_document(bids):
    _first, second = bids
    document = second.documents.get()
    Path(document.file.path).unlink()

    with pytest.raises(CommandError) as failure:
        run()

    assert f"document {document.public_id}: the file {document.file.name} is missing" in str(
        failure.value
    )


def test_a_receipt_hash_that_no_longer_matches_fails(bids):
    first, _second = bids
    document = first.documents.order_by("pk").first()
    BidDocument.objects.filter(pk=document.pk).update(sha256="0" * 64)
    Bid.objects.filter(pk=first.pk).update(content_sha256="f" * 64)

    with pytest.raises(CommandError) as failure:
        run()

    message = str(failure.value)
    assert "2 problems" in message
    assert f"bid {first.public_id} (receipt {first.receipt_code}): content SHA-256" in message
    assert "differs from the receipt's " + "f" * 64 in message


def test_a_document_hash_that_no_longer_matches_fails(bids):
    _first, second = bids
    document = second.documents.get()
    BidDocument.objects.filter(pk=document.pk).update(sha256="0" * 64)

    with pytest.raises(CommandError) as failure:
        run()

    assert f"document {document.public_id}: SHA-256 " in str(failure.value)
    assert "differs from the receipt's " + "0" * 64 in str(failure.value)


def test_bids_wrapped_with_a_key_no_longer_in_bid_keys_fail(bids, settings):
    settings.BID_KEYS = [crypto.new_key_text("other")]

    with pytest.raises(CommandError) as failure:
        run()

    assert "the data key does not unwrap" in str(failure.value)
    assert "2 problems" in str(failure.value)
