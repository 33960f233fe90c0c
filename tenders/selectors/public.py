"""Reads for the public tender pages: the opportunity listing and one tender's page.

Anyone may read published, closed, awarded and cancelled tenders; a draft is seen only by
those who may manage it (its buyer's procurement staff) and is a 404 for everyone else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from marketplace.clamd import AVAILABLE
from marketplace.policy import Action, user_can
from tenders.models import Amendment, Lot, Tender, TenderDocument


def smb_lots_exist() -> Exists:
    """Whether a tender has at least one lot marked suitable for small and medium businesses."""
    return Exists(Lot.objects.filter(tender_id=OuterRef("pk"), suitable_for_smb=True))


def public_tenders() -> QuerySet[Tender]:
    """Every tender anyone may read, with what a list row shows, in a fixed number of queries."""
    return (
        Tender.objects.public()
        .select_related("buyer", "unit", "main_cpv", "need")
        .annotate(has_smb_lots=smb_lots_exist())
    )


def tender_for_page(*, reference: str, user) -> Tender:
    """The tender with ``reference`` and everything its page shows, or 404.

    A draft is found only for users who may manage it; other organisations get 404.
    """
    tender = (
        Tender.objects.select_related("buyer", "unit", "main_cpv", "need")
        .prefetch_related(
            "additional_cpv",
            "municipalities",
            "themes",
            Prefetch(
                "lots",
                queryset=Lot.objects.order_by("number").prefetch_related(
                    "cpv_codes", "municipalities"
                ),
            ),
            "criteria",
            "requirements",
            Prefetch(
                "documents",
                queryset=TenderDocument.objects.filter(
                    removed_at__isnull=True, scan_status__in=AVAILABLE
                ).order_by("uploaded_at", "pk"),
                to_attr="current_documents",
            ),
            Prefetch(
                "amendments", queryset=Amendment.objects.order_by("number"), to_attr="history"
            ),
        )
        .annotate(has_smb_lots=smb_lots_exist())
        .filter(reference=reference)
        .first()
    )
    if tender is None:
        raise Http404("No such tender.")
    if tender.status == Tender.Status.DRAFT and not user_can(user, Action.TENDER_MANAGE, tender):
        raise Http404("No such tender.")
    return tender


@dataclass(frozen=True)
class TimelineEntry:
    """One dated step in a tender's life: a lifecycle change or an amendment."""

    at: datetime.datetime
    kind: str  # "published", "amended", "closed", "in_evaluation", "awarded", "cancelled"
    amendment: Amendment | None = None


_LIFECYCLE_STEPS = [
    ("published_at", "published"),
    ("closed_at", "closed"),
    ("evaluation_started_at", "in_evaluation"),
    ("awarded_at", "awarded"),
    ("cancelled_at", "cancelled"),
]


def tender_timeline(tender: Tender) -> list[TimelineEntry]:
    """The lifecycle timestamps and amendments of ``tender``, oldest first.

    Uses the amendments prefetched by ``tender_for_page`` (``tender.history``) when present.
    """
    entries = [
        TimelineEntry(at=getattr(tender, field), kind=kind)
        for field, kind in _LIFECYCLE_STEPS
        if getattr(tender, field)
    ]
    amendments = getattr(tender, "history", None)
    if amendments is None:
        amendments = list(tender.amendments.order_by("number"))
    entries += [TimelineEntry(at=a.created_at, kind="amended", amendment=a) for a in amendments]
    order = {kind: index for index, (_, kind) in enumerate(_LIFECYCLE_STEPS)}
    return sorted(
        entries,
        key=lambda e: (e.at, order.get(e.kind, 1), e.amendment.number if e.amendment else 0),
    )
