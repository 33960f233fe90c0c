"""Fixtures for the buyer side of bids: a closed tender with two lots and two criteria, two
submitted bids (one joint), and the buyer's people in each role."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

MARKER = b"%PDF-1.4 HEMMELIG-TILBUD-MARKOR"


@pytest.fixture
def tender(db, buyer, buyer_unit):
    from tests.factories import TenderFactory

    tender = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        closed=True,
        lots=2,
        criteria=[60, 40],
        title="Smart skoleskyss",
    )
    return tender


@pytest.fixture
def lots(tender):
    return list(tender.lots.order_by("number"))


@pytest.fixture
def criteria(tender):
    return list(tender.criteria.order_by("order"))


@pytest.fixture
def bidder_a(db):
    from tests.factories import SupplierFactory

    return SupplierFactory(name="Fjordlys Teknologi AS")


@pytest.fixture
def bidder_b(db):
    from tests.factories import SupplierFactory

    return SupplierFactory(name="Nordlys Data AS")


@pytest.fixture
def partner(db):
    from tests.factories import SupplierFactory

    return SupplierFactory(name="Vei og Sensor AS")


@pytest.fixture
def bidder_a_user(bidder_a):
    from tests.factories.bid_evaluation import supplier_user

    return supplier_user(bidder_a, "post@fjordlys.test")


@pytest.fixture
def bidder_b_user(bidder_b):
    from tests.factories.bid_evaluation import supplier_user

    return supplier_user(bidder_b, "post@nordlys.test")


@pytest.fixture
def partner_user(partner):
    from tests.factories.bid_evaluation import supplier_user

    return supplier_user(partner, "post@veiogsensor.test")


@pytest.fixture
def bid_a(tender, lots, bidder_a, partner, bidder_a_user, partner_user):
    """A joint bid on both lots, with one document."""
    from tests.factories.bid_evaluation import submitted_bid

    return submitted_bid(
        tender,
        bidder_a,
        prices={lots[0]: Decimal("900000"), lots[1]: Decimal("450000")},
        documents=[("tilbudsbrev.pdf", MARKER)],
        consortium=[partner],
    )


@pytest.fixture
def bid_b(tender, lots, bidder_b, bidder_b_user):
    """A bid on lot 1 only."""
    from tests.factories.bid_evaluation import submitted_bid

    return submitted_bid(tender, bidder_b, prices={lots[0]: Decimal("800000")})


@pytest.fixture
def opener(buyer, buyer_unit):
    from marketplace.models import Role
    from tests.factories.bid_evaluation import buyer_user

    return buyer_user(buyer, Role.BID_OPENER, unit=buyer_unit, email="apner@afk.test")


@pytest.fixture
def second_opener(buyer):
    from marketplace.models import Role
    from tests.factories.bid_evaluation import buyer_user

    return buyer_user(buyer, Role.BID_OPENER, email="apner2@afk.test")


@pytest.fixture
def evaluator(buyer, buyer_unit):
    from marketplace.models import Role
    from tests.factories.bid_evaluation import buyer_user

    return buyer_user(buyer, Role.EVALUATOR, unit=buyer_unit, email="evaluator1@afk.test")


@pytest.fixture
def evaluator2(buyer):
    from marketplace.models import Role
    from tests.factories.bid_evaluation import buyer_user

    return buyer_user(buyer, Role.EVALUATOR, email="evaluator2@afk.test")


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory

    user = UserFactory(email="root@pilotmarked.test", is_staff=True, is_superuser=True)
    from tests.conftest import with_totp

    return with_totp(user)


@pytest.fixture
def other_officer(db):
    """A procurement officer of another buyer."""
    from marketplace.models import Role
    from tests.factories import BuyerFactory
    from tests.factories.bid_evaluation import buyer_user

    return buyer_user(BuyerFactory(name="Viken"), Role.PROCUREMENT_OFFICER, email="x@viken.test")


@pytest.fixture
def bids(bid_a, bid_b):
    return [bid_a, bid_b]


@pytest.fixture
def opened(tender, bids, opener):
    from bids.services.opening import opening_start

    opening_start(tender=tender, by=opener)
    tender.refresh_from_db()
    return tender


@pytest.fixture
def assigned(opened, procurement_officer, evaluator, evaluator2):
    from bids.services.evaluation import evaluator_assign

    evaluator_assign(tender=opened, user=evaluator, by=procurement_officer)
    evaluator_assign(tender=opened, user=evaluator2, by=procurement_officer)
    return opened


@pytest.fixture
def qualified(assigned, bid_a, bid_b, procurement_officer):
    from bids.services.evaluation import qualification_assess

    for bid in (bid_a, bid_b):
        qualification_assess(bid=bid, by=procurement_officer, result="qualified")
    return assigned


# The known data set: consensus points per (bid, lot number) for criteria weighing 60 and 40.
CONSENSUS = {
    ("a", 1): ("8", "6"),  # 8/10×60 + 6/10×40 = 48 + 24 = 72.00
    ("b", 1): ("7.5", "9"),  # 45 + 36 = 81.00
    ("a", 2): ("5.25", "10"),  # 31.50 + 40 = 71.50
}


@pytest.fixture
def agreed(qualified, bid_a, bid_b, lots, criteria, procurement_officer):
    from bids.services.evaluation import consensus_set

    bids = {"a": bid_a, "b": bid_b}
    for (name, number), points in CONSENSUS.items():
        for criterion, value in zip(criteria, points, strict=True):
            consensus_set(
                bid=bids[name],
                lot=lots[number - 1],
                criterion=criterion,
                by=procurement_officer,
                points=value,
                rationale="Samlet vurdering i evalueringsmøtet.",
            )
    return qualified


def past(days: int = 0, hours: int = 0) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days, hours=hours)
