"""``bids.public``, the one door other apps read bids through: nothing of a sealed tender."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bids import public
from bids.models import AwardDecision, Bid, TenderOpening
from tests.factories import SupplierFactory, TenderFactory, UserFactory
from tests.factories.bid_evaluation import submitted_bid
from tests.factories.pilots import make_award, open_bids


@pytest.fixture
def tenders(db):
    """Three closed tenders: one opened, one with an opening still waiting for its second
    opener, one untouched."""
    opened, pending, sealed = (TenderFactory(closed=True, lots=1) for _ in range(3))
    open_bids(opened)
    TenderOpening.objects.create(tender=pending, requested_by=UserFactory())
    return opened, pending, sealed


def test_only_bids_in_force_on_opened_tenders_are_seen(tenders):
    opened, pending, sealed = tenders
    seen = [submitted_bid(opened), submitted_bid(opened)]
    submitted_bid(opened, status=Bid.Status.WITHDRAWN)
    submitted_bid(opened, status=Bid.Status.REPLACED)
    submitted_bid(opened, status=Bid.Status.DRAFT)
    submitted_bid(pending)
    submitted_bid(sealed)

    assert sorted(public.opened_bids().values_list("pk", flat=True)) == sorted(
        bid.pk for bid in seen
    )
    assert public.opened_bid_counts([t.pk for t in tenders]) == {opened.pk: 2}


def test_award_decisions_are_read_only_on_opened_tenders(tenders):
    opened, _pending, sealed = tenders
    active = make_award(tender=opened)
    withdrawn = make_award(tender=opened, status=AwardDecision.Status.WITHDRAWN)
    # A decision on a tender never opened cannot be made through the services; written by hand,
    # the door still does not show it.
    bid = submitted_bid(sealed, SupplierFactory())
    now = timezone.now()
    AwardDecision.objects.create(
        tender=sealed,
        lot=sealed.lots.get(),
        bid=bid,
        reasons="-",
        decided_by=UserFactory(),
        decided_at=now,
        standstill_ends_at=now + datetime.timedelta(days=10),
    )

    assert set(public.award_decisions()) == {active, withdrawn}
    assert list(public.active_award_decisions()) == [active]
