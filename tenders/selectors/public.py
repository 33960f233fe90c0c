"""Reads for the public tender pages: the opportunity listing and one tender's page.

Anyone may read published, closed, awarded and cancelled tenders; a draft is seen only by
those who may manage it (its buyer's procurement staff) and is a 404 for everyone else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from marketplace.clamd import AVAILABLE
from marketplace.models import CpvCode, Municipality
from marketplace.policy import Action, user_can
from tenders.models import (
    Amendment,
    Criterion,
    Lot,
    QualificationRequirement,
    Question,
    Tender,
    TenderDocument,
    Theme,
)
from tenders.selectors.dialogue import published_questions
from tenders.selectors.relations import CompiledRow, Relation, Relations


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


# The page's row, compiled once per process (references are unique: no ORDER BY; first()
# would sort by Meta.ordering, which cost the ORM about as much as the rest of the statement).
_PAGE_ROW = CompiledRow(
    lambda reference: (
        Tender.objects.select_related("buyer", "unit", "main_cpv", "need")
        .filter(reference=reference)
        .order_by()[:1]
    ),
    stand_in="\x1fno reference\x1f",
)


def tender_for_page(*, reference: str, user) -> Tender:
    """The tender with ``reference`` and everything its page shows, or 404, in two queries.

    A draft is found only for users who may manage it; other organisations get 404. The
    published questions and answers come with the rest (``tender.published_questions``, as
    ``tenders.selectors.dialogue.published_questions`` gives them).
    """
    tender = tender_row_for_page(reference=reference, user=user)
    prime_tender_page(tender)
    return tender


def tender_row_for_page(*, reference: str, user) -> Tender:
    """The tender with ``reference`` (its own row and the rows it is shown with), or 404, in one
    query; a draft only for users who may manage it."""
    tender = _PAGE_ROW.first(reference)
    if tender is None:
        raise Http404("No such tender.")
    if tender.status == Tender.Status.DRAFT and not user_can(user, Action.TENDER_MANAGE, tender):
        raise Http404("No such tender.")
    return tender


def prime_tender_page(tender: Tender) -> None:
    """Everything else the tender's page shows (lots and their codes, places, criteria,
    requirements, documents, amendments, published Q&A) in one query."""
    _PAGE_RELATIONS.prime(tender)
    # What smb_lots_exist() tells a list row, from the lots the page has read anyway.
    tender.has_smb_lots = any(lot.suitable_for_smb for lot in tender.lots.all())


def _own(tender: Tender) -> list[Tender]:
    return [tender]


def _lots(tender: Tender) -> list[Lot]:
    return list(tender.lots.all())


_TenderM2M = Tender.additional_cpv.through, Tender.municipalities.through, Tender.themes.through
_LotM2M = Lot.cpv_codes.through, Lot.municipalities.through

# What the tender pages (public and the buyer's) show of a tender and its lots.
TENDER_PARTS = (
    Relation("lots", lambda pk: Lot.objects.filter(tender_id=pk), "tender_id", Lot, _own),
    Relation(
        "additional_cpv",
        lambda pk: _TenderM2M[0].objects.filter(tender_id=pk),
        "tender_id",
        CpvCode,
        _own,
        prefix="cpvcode__",
    ),
    Relation(
        "municipalities",
        lambda pk: _TenderM2M[1].objects.filter(tender_id=pk),
        "tender_id",
        Municipality,
        _own,
        prefix="municipality__",
    ),
    Relation(
        "themes",
        lambda pk: _TenderM2M[2].objects.filter(tender_id=pk),
        "tender_id",
        Theme,
        _own,
        prefix="theme__",
    ),
    Relation(
        "cpv_codes",
        lambda pk: _LotM2M[0].objects.filter(lot__tender_id=pk),
        "lot_id",
        CpvCode,
        _lots,
        prefix="cpvcode__",
    ),
    Relation(
        "municipalities",
        lambda pk: _LotM2M[1].objects.filter(lot__tender_id=pk),
        "lot_id",
        Municipality,
        _lots,
        prefix="municipality__",
    ),
    Relation(
        "criteria", lambda pk: Criterion.objects.filter(tender_id=pk), "tender_id", Criterion, _own
    ),
    Relation(
        "requirements",
        lambda pk: QualificationRequirement.objects.filter(tender_id=pk),
        "tender_id",
        QualificationRequirement,
        _own,
    ),
)

# The public page: those parts, the documents anyone may download, the amendments and the
# published questions, in one query.
_PAGE_RELATIONS = Relations(
    *TENDER_PARTS,
    Relation(
        "documents",
        lambda pk: TenderDocument.objects.filter(
            tender_id=pk, removed_at__isnull=True, scan_status__in=sorted(AVAILABLE)
        ),
        "tender_id",
        TenderDocument,
        _own,
        to_attr="current_documents",
        order=lambda document: (document.uploaded_at, document.pk),
    ),
    # The history (tender_timeline), in number order.
    Relation(
        "amendments",
        lambda pk: Amendment.objects.filter(tender_id=pk),
        "tender_id",
        Amendment,
        _own,
        to_attr="history",
    ),
    # The published Q&A (only the columns published_questions reads: never the asker).
    Relation(
        "questions",
        lambda pk: published_questions(Tender(pk=pk)),
        "tender_id",
        Question,
        _own,
        to_attr="published_questions",
        # ORDER BY number, published_at as PostgreSQL sorts it (a number is given on publishing).
        order=lambda q: (q.number is None, q.number or 0, q.published_at, q.pk),
    ),
)


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
