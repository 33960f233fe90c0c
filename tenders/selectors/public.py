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
from marketplace.models import CpvCode, Municipality
from marketplace.policy import Action, user_can
from tenders.models import (
    Amendment,
    Criterion,
    Lot,
    QualificationRequirement,
    Tender,
    TenderDocument,
    Theme,
)
from tenders.selectors.relations import Relation, prime_relations


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
    """The tender with ``reference`` and everything its page shows, or 404, in three queries.

    A draft is found only for users who may manage it; other organisations get 404.
    """
    tender = (
        Tender.objects.select_related("buyer", "unit", "main_cpv", "need")
        .prefetch_related(
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
    prime_relations(_page_relations(tender))
    return tender


def _page_relations(tender: Tender) -> list[Relation]:
    """What the page shows of a tender and its lots, for ``prime_relations`` (one query)."""

    def own() -> list[Tender]:
        return [tender]

    def lots() -> list[Lot]:
        return list(tender.lots.all())

    m2m = Tender.additional_cpv.through, Tender.municipalities.through, Tender.themes.through
    lot_m2m = Lot.cpv_codes.through, Lot.municipalities.through
    return [
        Relation("lots", Lot.objects.filter(tender=tender), "tender_id", Lot, own),
        Relation(
            "additional_cpv",
            m2m[0].objects.filter(tender=tender),
            "tender_id",
            CpvCode,
            own,
            prefix="cpvcode__",
        ),
        Relation(
            "municipalities",
            m2m[1].objects.filter(tender=tender),
            "tender_id",
            Municipality,
            own,
            prefix="municipality__",
        ),
        Relation(
            "themes",
            m2m[2].objects.filter(tender=tender),
            "tender_id",
            Theme,
            own,
            prefix="theme__",
        ),
        Relation(
            "cpv_codes",
            lot_m2m[0].objects.filter(lot__tender=tender),
            "lot_id",
            CpvCode,
            lots,
            prefix="cpvcode__",
        ),
        Relation(
            "municipalities",
            lot_m2m[1].objects.filter(lot__tender=tender),
            "lot_id",
            Municipality,
            lots,
            prefix="municipality__",
        ),
        Relation("criteria", Criterion.objects.filter(tender=tender), "tender_id", Criterion, own),
        Relation(
            "requirements",
            QualificationRequirement.objects.filter(tender=tender),
            "tender_id",
            QualificationRequirement,
            own,
        ),
        Relation(
            "documents",
            TenderDocument.objects.filter(
                tender=tender, removed_at__isnull=True, scan_status__in=AVAILABLE
            ),
            "tender_id",
            TenderDocument,
            own,
            to_attr="current_documents",
            order=lambda document: (document.uploaded_at, document.pk),
        ),
    ]


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
