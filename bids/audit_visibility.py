"""Hide audit events about bids of tenders not yet opened (see marketplace.audit_visibility)."""

from __future__ import annotations

from django.db.models import CharField, Q
from django.db.models.functions import Cast

from bids.models import Bid
from bids.public import opened_q


def sealed_bid_events_q() -> Q:
    sealed = (
        Bid.objects.exclude(opened_q())
        .annotate(object_key=Cast("pk", CharField()))
        .values("object_key")
    )
    return Q(object_type="bids.bid", object_id__in=sealed)
