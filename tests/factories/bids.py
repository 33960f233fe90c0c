"""Bids made through the real services (``bids.services``), so they are sealed as in production.

    tender = tender_ready_for_bids(lots=2, requirements=1)
    bid = draft_bid(tender=tender)                    # a complete draft, not yet submitted
    bid = submitted_bid(tender=tender, documents=[("tilbud.pdf", MINIMAL_PDF)])

Each helper returns the bid; ``bid.created_by`` is a member (supplier admin) of its supplier.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from bids.content import BidContent
from bids.services import bid_files as document_services
from bids.services import bids as bid_services
from marketplace.models import Role
from tenders.models import Tender

from .organisations import MembershipFactory, SupplierFactory, UserFactory
from .tenders import MINIMAL_PDF, LotFactory, QualificationRequirementFactory, TenderFactory


def tender_ready_for_bids(*, lots: int = 0, requirements: int = 1, **kwargs) -> Tender:
    """A published tender of the buyer's own, open for bids (deadline in 21 days)."""
    tender = TenderFactory(published=True, **kwargs)
    for number in range(1, lots + 1):
        LotFactory(tender=tender, number=number)
    for order in range(requirements):
        QualificationRequirementFactory(tender=tender, order=order)
    return tender


def supplier_member(supplier=None, *, role=Role.SUPPLIER_ADMIN, email=None):
    """A person who may prepare bids for ``supplier`` (a new supplier when None)."""
    supplier = supplier or SupplierFactory()
    user = UserFactory(**({"email": email} if email else {}))
    MembershipFactory(user=user, organisation=supplier, role=role)
    return user


def complete_content(
    tender: Tender, *, price: Decimal = Decimal("990000"), text: str = "Ja."
) -> BidContent:
    """Content that answers everything the tender asks, bidding on every lot allowed."""
    lots = [key for key, _label in bid_services.lot_choices(tender)]
    if tender.max_lots_per_bidder:
        lots = lots[: tender.max_lots_per_bidder]
    return BidContent(
        prices=dict.fromkeys(lots, price),
        qualification={r.pk: text for r in tender.requirements.all()},
        criteria={c.pk: text for c in tender.criteria.all()},
        message=text,
    )


def draft_bid(
    *, tender: Tender | None = None, supplier=None, by=None, content=None, documents=(), now=None
):
    """A draft through ``bid_start`` and ``bid_update`` (complete unless ``content`` says not)."""
    tender = tender or tender_ready_for_bids()
    if by is None:
        by = supplier_member(supplier)
    if supplier is None:
        supplier = by.memberships.first().organisation
    bid = bid_services.bid_start(tender=tender, supplier=supplier, by=by, now=now)
    bid_services.bid_update(bid=bid, by=by, content=content or complete_content(tender), now=now)
    for name, data in documents:
        document_services.document_upload(
            bid=bid, by=by, uploaded=SimpleUploadedFile(name, data), now=now
        )
    bid.refresh_from_db()
    return bid


def submitted_bid(*, tender=None, supplier=None, by=None, content=None, documents=(), now=None):
    """A bid submitted through ``bid_submit``."""
    bid = draft_bid(
        tender=tender, supplier=supplier, by=by, content=content, documents=documents, now=now
    )
    return bid_services.bid_submit(bid=bid, by=bid.created_by, now=now)


__all__ = [
    "MINIMAL_PDF",
    "complete_content",
    "draft_bid",
    "submitted_bid",
    "supplier_member",
    "tender_ready_for_bids",
]
