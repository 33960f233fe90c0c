"""Submitted bids made directly with the sealing envelope, for the buyer side's tests.

``submitted_bid(tender, supplier, prices={lot: "1000"}, documents=[("a.pdf", b"...")],
consortium=[org])`` writes a sealed, submitted bid as the supplier side would leave it, without
going through the supplier's services: the buyer side is tested on its own.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from bids.content import BidContent, Subcontractor
from bids.models import Bid, BidDocument, ConsortiumMember
from bids.services import sealing
from marketplace.models import Role

from .organisations import MembershipFactory, SupplierFactory, UserFactory


def submitted_bid(
    tender,
    supplier=None,
    *,
    prices: dict | None = None,
    documents: list[tuple[str, bytes]] | None = None,
    consortium: list | None = None,
    subcontractors: list[dict] | None = None,
    submitted_at: datetime.datetime | None = None,
    status: str = Bid.Status.SUBMITTED,
) -> Bid:
    """A sealed bid on ``tender``; ``prices`` maps Lot (or lot pk) to a price (default: every
    lot at 100 000)."""
    supplier = supplier or SupplierFactory()
    if prices is None:
        prices = {lot: Decimal("100000") for lot in tender.lots.all()}
    content = BidContent(
        prices={getattr(lot, "pk", lot): Decimal(str(price)) for lot, price in prices.items()},
        criteria={criterion.pk: "Vi løser dette godt." for criterion in tender.criteria.all()},
        qualification={req.pk: "Oppfylt." for req in tender.requirements.all()},
        subcontractors=[Subcontractor(**item) for item in subcontractors or []],
        message="Vi ser fram til samarbeidet.",
    )
    submitted_at = submitted_at or (tender.submission_deadline - datetime.timedelta(hours=1))
    bid = Bid(
        tender=tender,
        supplier=supplier,
        status=status,
        is_joint=bool(consortium),
        submitted_at=submitted_at if status != Bid.Status.DRAFT else None,
        receipt_code=f"R-{uuid.uuid4().hex[:12]}" if status != Bid.Status.DRAFT else None,
        created_at=submitted_at - datetime.timedelta(hours=2),
    )
    key = sealing.new_envelope(bid)
    data = content.to_dict()
    sealing.seal_content(bid, data, key=key)
    bid.content_sha256 = sealing.content_sha256(data)
    bid.save()
    for name, payload in documents or []:
        document = BidDocument(
            bid=bid,
            content_type="application/pdf",
            size=len(payload),
            sha256=hashlib.sha256(payload).hexdigest(),
            uploaded_at=submitted_at - datetime.timedelta(minutes=30),
        )
        sealing.seal_document_meta(document, {"name": name, "title": name}, key=key)
        document.file.save(
            "sealed", ContentFile(sealing.seal_document_bytes(document, payload, key=key)), False
        )
        document.save()
    for organisation in consortium or []:
        ConsortiumMember.objects.create(
            bid=bid,
            org_number=organisation.org_number,
            organisation=organisation,
            status=ConsortiumMember.Status.CONFIRMED,
            responded_at=submitted_at - datetime.timedelta(hours=1),
        )
    return bid


def supplier_user(organisation, email: str | None = None):
    """A supplier administrator of ``organisation``."""
    user = UserFactory(**({"email": email} if email else {}))
    MembershipFactory(user=user, organisation=organisation, role=Role.SUPPLIER_ADMIN)
    return user


def buyer_user(organisation, role, *, unit=None, email: str | None = None):
    """A member of the buyer with ``role`` (limited to ``unit`` when given), with TOTP."""
    from tests.conftest import with_totp

    user = with_totp(UserFactory(**({"email": email} if email else {})))
    MembershipFactory(user=user, organisation=organisation, role=role, unit=unit)
    return user


def now() -> datetime.datetime:
    return timezone.now()
