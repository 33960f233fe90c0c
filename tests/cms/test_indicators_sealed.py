"""The public indicators say nothing about a bid until its tender's bids are opened.

A bid submitted (through ``bid_submit``) on a tender still open for bids leaves the CSV and
JSON downloads byte-for-byte as they were; once the opening service has run, the bid counts.
The cache is emptied before every download, so a cached answer can neither hide a change nor
make one up.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.cache import cache

from marketplace.models import Role
from marketplace.models.profiles import EmployeeBand, Stage, SupplierProfile
from tests.factories import make_indicators_page, municipality
from tests.factories.bid_evaluation import buyer_user
from tests.factories.bids import submitted_bid, supplier_member, tender_ready_for_bids


@pytest.fixture
def startup(db):
    """A micro startup from Lillestrøm (Akershus): in every group the indicators share out."""
    from tests.factories import SupplierFactory

    organisation = SupplierFactory(name="Fjordlys Teknologi AS")
    SupplierProfile.objects.create(
        organisation=organisation,
        employee_band=EmployeeBand.UNDER_10,
        stage=Stage.STARTUP,
        municipality=municipality("3205", "Lillestrøm"),
    )
    return organisation


def _downloads(client, page) -> tuple[bytes, bytes]:
    cache.clear()
    csv_response = client.get(page.url + "indicators.csv")
    cache.clear()
    json_response = client.get(page.url + "indicators.json")
    assert csv_response.status_code == json_response.status_code == 200
    return csv_response.content, json_response.content


def _bid_totals(csv_bytes: bytes) -> dict[str, tuple[str, str]]:
    """(numerator, denominator) of every bids-share indicator, all years and areas summed."""
    totals: dict[str, list[int]] = {}
    for row in csv.DictReader(io.StringIO(csv_bytes.decode())):
        if row["indicator"].startswith("bids_share_") and row["service_area_id"] == "all":
            sums = totals.setdefault(row["indicator"], [0, 0])
            sums[0] += int(row["numerator"] or 0)
            sums[1] += int(row["denominator"] or 0)
    return {key: (str(a), str(b)) for key, (a, b) in totals.items()}


def test_a_bid_on_an_open_tender_leaves_the_downloads_unchanged_until_opening(
    client, buyer, buyer_unit, startup
):
    from bids.models import Bid
    from bids.services.opening import opening_start

    # given a tender open for bids, and the indicators as the public sees them
    page = make_indicators_page()
    tender = tender_ready_for_bids(buyer=buyer, unit=buyer_unit, lots=1)
    before_csv, before_json = _downloads(client, page)

    # when a startup submits a bid
    bid = submitted_bid(tender=tender, supplier=startup, by=supplier_member(startup))

    # then not a byte of either download moves
    assert bid.status == Bid.Status.SUBMITTED
    sealed_csv, sealed_json = _downloads(client, page)
    assert sealed_csv == before_csv
    assert sealed_json == before_json

    # when the bids are opened after the deadline
    opener = buyer_user(buyer, Role.BID_OPENER, unit=buyer_unit, email="apner@afk.test")
    opening_start(tender=tender, by=opener, now=tender.opens_at + datetime.timedelta(minutes=1))

    # then the bid counts, in every group it belongs to
    opened_csv, opened_json = _downloads(client, page)
    assert opened_csv != before_csv
    assert opened_json != before_json
    assert _bid_totals(before_csv) == {
        "bids_share_smb": ("0", "0"),
        "bids_share_startup": ("0", "0"),
        "bids_share_akershus": ("0", "0"),
    }
    assert _bid_totals(opened_csv) == {
        "bids_share_smb": ("1", "1"),
        "bids_share_startup": ("1", "1"),
        "bids_share_akershus": ("1", "1"),
    }


def test_a_pending_two_person_opening_keeps_the_seal(client, buyer, buyer_unit, startup):
    from bids.services.opening import opening_start

    page = make_indicators_page()
    tender = tender_ready_for_bids(buyer=buyer, unit=buyer_unit, lots=1, two_person_opening=True)
    before = _downloads(client, page)
    submitted_bid(tender=tender, supplier=startup, by=supplier_member(startup))
    opener = buyer_user(buyer, Role.BID_OPENER, unit=buyer_unit, email="apner@afk.test")

    # the first opener asks; nothing is opened until a second one confirms
    opening_start(tender=tender, by=opener, now=tender.opens_at + datetime.timedelta(minutes=1))

    assert _downloads(client, page) == before
