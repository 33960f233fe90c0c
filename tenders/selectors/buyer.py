"""Reads for the buyer's tender pages and workspace.

A tender is reached only through ``tenders_managed_by(user)``: another organisation's tender, or
one of a unit where the person has no tender role, answers 404.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from marketplace.policy import Action, scope_q, user_can
from tenders import lifecycle
from tenders.models import Amendment, Tender, TenderDocument
from tenders.selectors.public import TENDER_PARTS
from tenders.selectors.relations import Relations

WORKSPACE_ROWS = 10

# A tender's lots, codes, places, themes, criteria and requirements in one query.
_TENDER_PARTS = Relations(*TENDER_PARTS)


def tenders_managed_by(user) -> QuerySet[Tender]:
    """Our own tenders in the organisations and units where ``user`` may manage tenders."""
    return (
        Tender.objects.own()
        .filter(scope_q(user, Action.TENDER_MANAGE))
        .select_related("buyer", "unit", "main_cpv")
    )


def tender_for_buyer(user, reference: str) -> Tender:
    """The tender and what the buyer's page shows, or 404."""
    tender = (
        tenders_managed_by(user)
        .select_related("need", "created_by")
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=TenderDocument.objects.filter(removed_at__isnull=True).order_by("pk"),
                to_attr="current_documents",
            ),
            Prefetch(
                "amendments",
                queryset=Amendment.objects.select_related("created_by").order_by("-number"),
                to_attr="history",
            ),
        )
        .filter(reference=reference)
        .first()
    )
    if tender is None:
        raise Http404
    _TENDER_PARTS.prime(tender)
    return tender


def tenders_to_open(user, *, now: datetime.datetime | None = None) -> list[Tender]:
    """Tenders past their deadline (closed, or due to close: the clock decides, not whether the
    close has run yet) whose bids the user may open (opener role for the unit) and nobody has
    opened yet. The opening itself lives in the bids app, reached by its reverse relation."""
    now = now or timezone.now()
    return list(
        Tender.objects.own()
        .filter(scope_q(user, Action.BID_OPEN))
        .filter(lifecycle.effective_status_q({Tender.Status.CLOSED}, now))
        .filter(Q(opening__isnull=True) | Q(opening__opened_at__isnull=True))
        .select_related("buyer", "unit", "main_cpv")
        .order_by("submission_deadline", "pk")[:WORKSPACE_ROWS]
    )


def workspace_tenders(user, *, now: datetime.datetime | None = None) -> dict[str, list[Tender]]:
    """The workspace's lists: drafts (newest first), open tenders by deadline, and tenders
    past their deadline waiting for the next step, each tender with ``open_questions`` (how
    many questions wait for an answer). Open and past the deadline as the clock decides."""
    now = now or timezone.now()
    managed = tenders_managed_by(user).annotate(open_questions=_OPEN_QUESTIONS)
    S = Tender.Status
    after_deadline = lifecycle.effective_status_q({S.CLOSED, S.IN_EVALUATION}, now)
    by_deadline = ("submission_deadline", "pk")
    lists = {
        "drafts": list(managed.filter(status=S.DRAFT).order_by("-updated_at")[:WORKSPACE_ROWS]),
        "upcoming": list(
            managed.filter(lifecycle.open_for_bids_q(now)).order_by(*by_deadline)[:WORKSPACE_ROWS]
        ),
        "after_deadline": list(
            managed.filter(after_deadline).order_by(*by_deadline)[:WORKSPACE_ROWS]
        ),
    }
    for tenders in lists.values():
        for tender in tenders:
            tender.status_label = lifecycle.effective_status_label(tender, now)
    waiting = sum(t.open_questions for tenders in lists.values() for t in tenders)
    return lists | {"open_questions": waiting}


# Questions asked and not yet answered (an answer is published with it, or written first).
_OPEN_QUESTIONS = Count("questions", filter=Q(questions__published_at__isnull=True))


def open_questions_count(tender: Tender) -> int:
    """How many questions on the tender wait for the buyer's answer to be published."""
    return tender.questions.filter(published_at__isnull=True).count()


def document_for_download(user, *, reference: str, pk: int) -> TenderDocument:
    """A document anyone may download (a current document of a public tender), or one of a
    tender the user manages (drafts and withdrawn documents included); otherwise 404. A document
    waiting for its virus scan, or quarantined by it, is 404 for everyone."""
    document = (
        TenderDocument.objects.select_related("tender", "tender__buyer", "tender__unit")
        .filter(pk=pk, tender__reference=reference)
        .first()
    )
    if document is None or not document.is_available:
        raise Http404
    tender = document.tender
    public = tender.status != Tender.Status.DRAFT and document.removed_at is None
    if public or user_can(user, Action.TENDER_MANAGE, tender):
        return document
    raise Http404
