"""Key rotation: bids wrapped under key A stay readable under "B,A", are re-wrapped by
``rotate_bid_keys``, and then need only B."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bids import crypto
from bids.models import Bid
from bids.services import sealing
from bids.services.bids import read_content
from tests.factories.bids import MINIMAL_PDF, draft_bid, submitted_bid

pytestmark = pytest.mark.django_db

KEY_A = crypto.new_key_text("a")
KEY_B = crypto.new_key_text("b")


def _readable(bid: Bid) -> bool:
    bid.refresh_from_db()
    document = bid.documents.get()
    return (
        read_content(bid).message == "Ja."
        and sealing.unseal_document_bytes(document) == MINIMAL_PDF
    )


def test_rotation_keeps_old_bids_readable(settings):
    settings.BID_KEYS = [KEY_A]
    bids = [
        submitted_bid(documents=[("a.pdf", MINIMAL_PDF)]),
        draft_bid(documents=[("b.pdf", MINIMAL_PDF)]),
    ]
    assert {bid.kek_id for bid in bids} == {"a"}

    settings.BID_KEYS = [KEY_B, KEY_A]
    assert all(_readable(bid) for bid in bids)

    out = StringIO()
    call_command("rotate_bid_keys", stdout=out)
    assert "2 bids to re-wrap with key b" in out.getvalue()
    assert "Re-wrapped 2 bids" in out.getvalue()
    assert set(Bid.objects.values_list("kek_id", flat=True)) == {"b"}

    again = StringIO()
    call_command("rotate_bid_keys", stdout=again)
    assert "Re-wrapped 0 bids" in again.getvalue()

    settings.BID_KEYS = [KEY_B]
    assert all(_readable(bid) for bid in bids)


def test_a_missing_old_key_stops_with_one_line(settings):
    settings.BID_KEYS = [KEY_A]
    bid = draft_bid(documents=[("a.pdf", MINIMAL_PDF)])
    settings.BID_KEYS = [KEY_B]

    with pytest.raises(CommandError) as caught:
        call_command("rotate_bid_keys", stdout=StringIO())

    assert "lacks the key id(s) a" in str(caught.value)
    assert "\n" not in str(caught.value)
    bid.refresh_from_db()
    assert bid.kek_id == "a"


def test_the_command_exits_1_from_the_shell(settings):
    # CommandError → exit status 1 through manage.py (run_from_argv)
    settings.BID_KEYS = [KEY_A]
    draft_bid()
    settings.BID_KEYS = [KEY_B]
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as caught:
        ManagementUtility(["manage.py", "rotate_bid_keys"]).execute()
    assert caught.value.code == 1
