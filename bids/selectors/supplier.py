"""Reads on the bidding side: my organisations' bids and invitations, one bid for its own side.

A bid is reached only through :func:`bid_for_bidder`, which answers 404 to everyone the seal does
not let through as the bidding side (other suppliers, buyers, superusers) and audits the attempt.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from bids.models import Bid, BidDocument, ConsortiumMember
from bids.services import sealing
from bids.services.sealing import Side
from marketplace.models import Organisation
from marketplace.policy import Action, organisations_where
from tenders.models import Tender


def bidding_organisations(user) -> QuerySet[Organisation]:
    """Supplier organisations in which ``user`` may prepare bids."""
    return organisations_where(user, Action.BID_PREPARE).order_by("name", "pk")


def bids_of(user) -> QuerySet[Bid]:
    """The bids led by the user's organisations, newest first (replaced versions left out)."""
    return (
        Bid.objects.filter(supplier__in=bidding_organisations(user))
        .exclude(status=Bid.Status.REPLACED)
        .select_related("tender", "supplier")
        .order_by("tender__submission_deadline", "-created_at", "pk")
    )


def invitations_of(user) -> QuerySet[ConsortiumMember]:
    """Consortium invitations to the user's organisations."""
    return (
        ConsortiumMember.objects.filter(organisation__in=bidding_organisations(user))
        .exclude(bid__status=Bid.Status.REPLACED)
        .select_related("bid", "bid__tender", "bid__supplier", "organisation")
        .order_by("bid__tender__submission_deadline", "pk")
    )


def bid_for_bidder(user, public_id, *, what: str) -> tuple[Bid, Side]:
    """The bid and the side (lead or consortium) the user reads it from, or 404.

    A refusal of an existing bid is audited (``sealing.record_refusal``).
    """
    bid = (
        Bid.objects.select_related("tender", "supplier", "previous")
        .filter(public_id=public_id)
        .first()
    )
    if bid is None:
        raise Http404
    side = sealing.bidder_side(user, bid)
    if side is None:
        sealing.record_refusal(user=user, tender=bid.tender, what=what)
        raise Http404
    return bid, side


def bid_for_tender(user, tender: Tender) -> Bid | None:
    """The user's organisations' current bid on ``tender`` (the draft first, else the submitted
    one), for the "Create bid"/"Continue" button on the tender page."""
    orgs = bidding_organisations(user)
    bids = Bid.objects.filter(tender=tender, supplier__in=orgs).filter(
        status__in=[Bid.Status.DRAFT, Bid.Status.SUBMITTED]
    )
    return bids.order_by("status", "-version").first()  # "draft" sorts before "submitted"


def invitation_for(user, bid: Bid) -> ConsortiumMember | None:
    """The consortium invitation of one of the user's organisations to ``bid``."""
    return (
        ConsortiumMember.objects.filter(bid=bid, organisation__in=bidding_organisations(user))
        .select_related("organisation")
        .first()
    )


def documents_of(bid: Bid) -> list[tuple[BidDocument, dict]]:
    """Each document with its unsealed name and title. Callers have passed the seal's check."""
    key = sealing.data_key(bid)
    return [
        (document, sealing.unseal_document_meta(document, key=key))
        for document in bid.documents.all()
    ]


def document_for_bidder(bid: Bid, public_id) -> BidDocument:
    document = bid.documents.filter(public_id=public_id).first()
    if document is None:
        raise Http404
    return document


def versions_of(bid: Bid) -> QuerySet[Bid]:
    return Bid.objects.filter(tender=bid.tender, supplier=bid.supplier).order_by("-version")


__all__ = [
    "bid_for_bidder",
    "bid_for_tender",
    "bidding_organisations",
    "bids_of",
    "document_for_bidder",
    "documents_of",
    "invitation_for",
    "invitations_of",
    "versions_of",
]
