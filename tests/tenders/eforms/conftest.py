"""Fixtures for the eForms tests: demo-like tenders and the compiled rule sets.

The Schematron rule sets are transpiled once into ``EFORMS_CACHE_DIR`` (var/eforms-cache, kept
between runs) and compiled once per test session (``eforms_rules``). They need the eForms SDK
and Norway's tailoring from ``PILOTMARKED_DATA_DIR``: without it the tests that need them skip
on a developer's machine and fail in CI.
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

AFK = "930580783"  # Akershus fylkeskommune, as in the demo


def eforms_data(*parts: str) -> Path:
    """A file of the shared eForms reference data; skips (locally) or fails (CI) without it."""
    base = os.environ.get("PILOTMARKED_DATA_DIR")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("PILOTMARKED_DATA_DIR is not set: the eForms tests need the SDK")
        pytest.skip("PILOTMARKED_DATA_DIR is not set (the eForms SDK is reference data)")
    path = Path(base, "eforms", *parts)
    if not path.exists():
        pytest.fail(f"{path} is missing: set PILOTMARKED_DATA_DIR to the shared reference data")
    return path


@pytest.fixture(scope="session")
def eforms_rules():
    """Both rule sets, compiled once for the session (about a minute the first time)."""
    from tenders.eforms import rulesets

    eforms_data("sdk-1.14.2", "schematrons", "static", "complete-validation.sch")
    eforms_data("nor", "src", "fields", "national-e.yaml")
    if not settings.EFORMS_SDK_DIR:
        pytest.fail("EFORMS_SDK_DIR is empty although PILOTMARKED_DATA_DIR is set")
    rulesets.executables(rulesets.EU)
    rulesets.executables(rulesets.NATIONAL_E)
    return rulesets


@pytest.fixture(autouse=True)
def _eforms_settings(settings):
    """The buyer's address and the review body as an operator configures them (dummy numbers)."""
    settings.EFORMS_BUYER_ADDRESSES = {
        AFK: {
            "city": "Oslo",
            "postal_code": "0107",
            "nuts": "NO081",
            "email": "postmottak@afk.no",
            "phone": "+47 00 00 00 00",
        }
    }
    settings.EFORMS_REVIEW_BODY = {
        **settings.EFORMS_REVIEW_BODY,
        "org_number": "000000000",
        "phone": "+47 00 00 00 01",
    }


@pytest.fixture
def buyer(db):
    from tests.factories import BuyerFactory

    return BuyerFactory(name="Akershus fylkeskommune", org_number=AFK)


@pytest.fixture
def cpv(db):
    from tests.factories import cpv_code

    return cpv_code("72000000", "IT services", "Datatjenester")


@pytest.fixture
def place(db):
    from tests.factories.directory import municipality

    county_muni = municipality("3201", "Bærum")
    county_muni.county.nuts_code = "NO084"
    county_muni.county.save()
    return county_muni


def make_tender(buyer, cpv, place, *, band: str, value: str, lots: int = 0, **kwargs):
    from tests.factories import TenderFactory
    from tests.factories.tenders import LotFactory

    tender = TenderFactory(
        buyer=buyer,
        main_cpv=cpv,
        threshold_band=band,
        estimated_value=Decimal(value),
        municipalities=[place],
        published=True,
        criteria=[60, 40],
        **kwargs,
    )
    criteria = list(tender.criteria.order_by("order"))
    criteria[0].name, criteria[1].name = "Pris", "Klima og miljø"
    criteria[0].kind, criteria[1].kind = "price", "climate"  # FOA § 7-9: climate at 40 %
    for criterion in criteria:
        criterion.save()
    for number in range(1, lots + 1):
        LotFactory(tender=tender, number=number, cpv_codes=[cpv], municipalities=[place])
    return tender


@pytest.fixture
def below(buyer, cpv, place):
    """A national-band tender without lots (E3)."""
    return make_tender(buyer, cpv, place, band="national", value="1500000")


@pytest.fixture
def above(buyer, cpv, place):
    """An EEA-band tender with two lots (subtype 16)."""
    return make_tender(buyer, cpv, place, band="eea", value="9000000", lots=2)


def in_days(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def awarded(buyer, cpv, place):
    """An EEA-band tender with two lots, bids opened (three bids: two on lot 1, one on lot 2)
    and both lots awarded: lot 1 to Nordlys Data AS at 800 000, lot 2 to Fjordlys at 450 000."""
    from bids.models import AwardDecision
    from bids.services.opening import opening_start
    from marketplace.models import Role, SupplierProfile
    from tenders.models import Tender
    from tests.factories import SupplierFactory
    from tests.factories.bid_evaluation import buyer_user, submitted_bid

    tender = make_tender(buyer, cpv, place, band="eea", value="9000000", lots=2, closed=True)
    lots = list(tender.lots.order_by("number"))
    fjordlys = SupplierFactory(name="Fjordlys Teknologi AS")
    nordlys = SupplierFactory(name="Nordlys Data AS")
    third = SupplierFactory(name="Tredje AS")
    for supplier, employees in ((fjordlys, "10-49"), (nordlys, "1-9")):
        SupplierProfile.objects.create(
            organisation=supplier,
            postal_code="1338",
            postal_place="Sandvika",
            municipality=place,
            employee_band=employees,
            turnover_band="0-20m",
        )
    bid_a = submitted_bid(
        tender, fjordlys, prices={lots[0]: Decimal(900000), lots[1]: Decimal(450000)}
    )
    bid_b = submitted_bid(tender, nordlys, prices={lots[0]: Decimal(800000)})
    submitted_bid(tender, third, prices={lots[0]: Decimal(950000)})
    opener = buyer_user(buyer, Role.BID_OPENER, unit=tender.unit)
    opening_start(tender=tender, by=opener)
    for lot, bid in ((lots[0], bid_b), (lots[1], bid_a)):
        AwardDecision.objects.create(
            tender=tender,
            lot=lot,
            bid=bid,
            reasons="Best forhold mellom pris og kvalitet.",
            decided_by=opener,
            standstill_ends_at=in_days(10),
        )
    Tender.objects.filter(pk=tender.pk).update(status=Tender.Status.AWARDED, awarded_at=in_days(0))
    tender.refresh_from_db()
    return tender
