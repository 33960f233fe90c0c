"""Bids, award decisions and pilots for the pilot and indicator tests.

``make_award(tender=..., supplier=...)`` writes a submitted bid and an active award decision on
the tender's first lot (creating one if needed), and marks the tender's bids opened when they are
not yet (award decisions exist only after opening, and ``bids.public`` shows nothing of a tender
still sealed); ``open_bids(tender)`` does only that. ``PilotFactory`` writes a pilot straight to
the database, copying supplier/buyer/unit from its award when given one.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from bids.models import AwardDecision, Bid, TenderOpening
from pilots.models import Kpi, Milestone, Pilot
from tenders.models import Lot

from .organisations import SupplierFactory, UserFactory
from .tenders import TenderFactory


def make_bid(*, tender, supplier, status=Bid.Status.SUBMITTED, submitted_at=None, version=1):
    """A bid row, sealed like a real one (empty content), for figures that count bids."""
    from bids.content import BidContent
    from bids.services import sealing

    bid = Bid(
        tender=tender,
        supplier=supplier,
        status=status,
        version=version,
        submitted_at=submitted_at or (timezone.now() if status == Bid.Status.SUBMITTED else None),
    )
    key = sealing.new_envelope(bid)
    sealing.seal_content(bid, BidContent().to_dict(), key=key)
    bid.save(force_insert=True)
    return bid


def open_bids(tender, *, opened_at=None, by=None) -> TenderOpening:
    """The tender's bids opened at ``opened_at`` (now by default), unless they already are."""
    opening, _created = TenderOpening.objects.get_or_create(
        tender=tender,
        defaults={"requested_by": by or UserFactory(), "opened_at": opened_at or timezone.now()},
    )
    if opening.opened_at is None:
        opening.opened_at = opened_at or timezone.now()
        opening.save(update_fields=["opened_at"])
    return opening


def make_award(
    *,
    tender=None,
    supplier=None,
    lot=None,
    decided_at=None,
    contract_signed_at=None,
    decided_by=None,
    status=AwardDecision.Status.ACTIVE,
) -> AwardDecision:
    tender = tender or TenderFactory(in_evaluation=True, is_pilot=True)
    supplier = supplier or SupplierFactory()
    if lot is None:
        lot = tender.lots.order_by("number").first() or Lot.objects.create(
            tender=tender, number=1, title="Delkontrakt 1"
        )
    bid = Bid.objects.filter(
        tender=tender, supplier=supplier, status=Bid.Status.SUBMITTED
    ).first() or make_bid(tender=tender, supplier=supplier)
    decided_at = decided_at or timezone.now()
    open_bids(tender, opened_at=decided_at)
    return AwardDecision.objects.create(
        tender=tender,
        lot=lot,
        bid=bid,
        reasons="Best pris og kvalitet.",
        status=status,
        decided_by=decided_by or UserFactory(),
        decided_at=decided_at,
        standstill_ends_at=decided_at + datetime.timedelta(days=10),
        contract_signed_at=contract_signed_at,
        withdrawn_at=None if status == AwardDecision.Status.ACTIVE else decided_at,
    )


class PilotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pilot

    title = factory.Sequence(lambda n: f"Pilot {n}: smarte ladestasjoner")
    award = None
    tender = factory.LazyAttribute(
        lambda o: o.award.tender if o.award else TenderFactory(in_evaluation=True, is_pilot=True)
    )
    lot = factory.LazyAttribute(lambda o: o.award.lot if o.award else None)
    supplier = factory.LazyAttribute(
        lambda o: o.award.bid.supplier if o.award else SupplierFactory()
    )
    buyer = factory.LazyAttribute(lambda o: o.tender.buyer)
    unit = factory.LazyAttribute(lambda o: o.tender.unit)
    budget_owner = "Leder for samferdsel"
    budget = Decimal("800000")
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2026, 6, 30)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    pilot = factory.SubFactory(PilotFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Milepæl {n}")
    due_on = datetime.date(2026, 3, 1)


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi

    pilot = factory.SubFactory(PilotFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"KPI {n}")
    unit = "%"
    target = Decimal("90")
