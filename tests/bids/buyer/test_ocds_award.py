"""An awarded tender's OCDS release carries its awards and contracts, valid against OCDS 1.1."""

from __future__ import annotations

import pytest

from bids.services import award
from tenders.ocds.store import releases_publish_all
from tests.tenders.data.conftest import ocds_errors

pytestmark = pytest.mark.django_db
PREFIX = "ocds-test01-pilotmarked-"


@pytest.fixture(autouse=True)
def _ocds_settings(settings):
    settings.OCDS_OCID_PREFIX = PREFIX


def test_awards_and_contracts_in_the_release(
    client, agreed, bid_a, bid_b, lots, procurement_officer
):
    from tests.factories import cpv_code

    agreed.main_cpv = cpv_code("72000000", "IT services")
    agreed.save()
    first = award.award_decide(
        tender=agreed, lot=lots[0], bid=bid_b, by=procurement_officer, reasons="Best."
    )
    award.award_decide(
        tender=agreed, lot=lots[1], bid=bid_a, by=procurement_officer, reasons="Eneste."
    )
    award.contract_sign(decision=first, by=procurement_officer, now=first.standstill_ends_at)

    releases_publish_all()  # a signed contract reaches the open data with the daily run
    package = client.get("/ocds/releases.json").json()

    assert ocds_errors(package) == []
    release = next(r for r in package["releases"] if r["ocid"] == PREFIX + agreed.reference)
    assert release["tag"] == ["award", "contract"]
    awards = {a["relatedLots"][0]: a for a in release["awards"]}
    assert awards["lot-1"]["suppliers"][0]["name"] == "Nordlys Data AS"
    assert awards["lot-1"]["value"] == {"amount": 800000, "currency": "NOK"}
    assert awards["lot-2"]["suppliers"][0]["name"] == "Fjordlys Teknologi AS"
    statuses = {c["awardID"]: c["status"] for c in release["contracts"]}
    assert statuses[f"award-{first.pk}"] == "active"
    assert "supplier" in {role for p in release["parties"] for role in p["roles"]}
