"""The tender lifecycle: one table of allowed transitions, and the one answer to "is it still
open?", read by services, selectors, views and templates.

draft → published → closed (at the deadline) → in evaluation → awarded; published, closed or in
evaluation → cancelled. Each transition has one service in ``tenders.services.tenders`` reached by
one POST action URL; nothing else changes ``status``.

Deadlines have one meaning everywhere (tenders' submission and question deadlines, needs'
dialogue deadline): a deadline has passed from the very instant it names (``now >= deadline``),
and a deadline that is not set never passes. Our own tenders cannot be published without a
submission deadline (``tender_rules``), so only imported notices are open without one.

The stored status of a published tender becomes "closed" when the CLOSE service runs (the
periodic job, or the first bid opening); until then :func:`effective_status` and
:func:`effective_status_q` give every reader the status the clock already decided, so lists and
pages are right at any moment, with or without a scheduler.
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.db.models import Q
from django.utils.translation import gettext as _

from marketplace.errors import InvalidTransition
from tenders.models import Need, Tender

Status = Tender.Status


class Transition(StrEnum):
    PUBLISH = "publish"
    CLOSE = "close"
    START_EVALUATION = "start_evaluation"
    AWARD = "award"  # reached from the bids app once every lot has an award decision
    WITHDRAW_AWARD = "withdraw_award"  # an award corrected ("un-award"): back to evaluation
    CANCEL = "cancel"


# transition → (statuses it may start from, status it leads to)
TRANSITIONS: dict[Transition, tuple[frozenset[str], str]] = {
    Transition.PUBLISH: (frozenset({Status.DRAFT}), Status.PUBLISHED),
    Transition.CLOSE: (frozenset({Status.PUBLISHED}), Status.CLOSED),
    Transition.START_EVALUATION: (frozenset({Status.CLOSED}), Status.IN_EVALUATION),
    Transition.AWARD: (frozenset({Status.IN_EVALUATION}), Status.AWARDED),
    Transition.WITHDRAW_AWARD: (frozenset({Status.AWARDED}), Status.IN_EVALUATION),
    Transition.CANCEL: (
        frozenset({Status.PUBLISHED, Status.CLOSED, Status.IN_EVALUATION}),
        Status.CANCELLED,
    ),
}

# Where a transition stamps its time.
TIMESTAMPS: dict[Transition, str] = {
    Transition.PUBLISH: "published_at",
    Transition.CLOSE: "closed_at",
    Transition.START_EVALUATION: "evaluation_started_at",
    Transition.AWARD: "awarded_at",
    Transition.WITHDRAW_AWARD: "evaluation_started_at",
    Transition.CANCEL: "cancelled_at",
}

# A draft is edited freely; a published tender changes only by amendment; later, not at all.
EDITABLE_STATUSES = frozenset({Status.DRAFT})
AMENDABLE_STATUSES = frozenset({Status.PUBLISHED})


def can(tender: Tender, transition: Transition) -> bool:
    """Whether the table allows ``transition`` from the tender's status (own tenders only)."""
    sources, _target = TRANSITIONS[transition]
    return not tender.is_external and tender.status in sources


def target(tender: Tender, transition: Transition) -> str:
    """The status ``transition`` leads to; raises InvalidTransition when it is not allowed."""
    if not can(tender, transition):
        raise InvalidTransition(
            _("A tender that is %(status)s cannot be changed that way.")
            % {"status": tender.get_status_display().lower()},
            code=f"tender_{transition}_not_allowed",
        )
    return TRANSITIONS[transition][1]


def available(tender: Tender) -> list[Transition]:
    """The transitions allowed from the tender's status, in table order."""
    return [transition for transition in TRANSITIONS if can(tender, transition)]


def is_editable(tender: Tender) -> bool:
    return not tender.is_external and tender.status in EDITABLE_STATUSES


def is_amendable(tender: Tender) -> bool:
    return not tender.is_external and tender.status in AMENDABLE_STATUSES


# --- Is it still open? --------------------------------------------------------------------------


def deadline_passed(deadline: datetime.datetime | None, now: datetime.datetime) -> bool:
    """Whether ``deadline`` has passed at ``now``: from its very instant on; never when unset."""
    return deadline is not None and now >= deadline


def is_open_for_bids(tender: Tender, now: datetime.datetime) -> bool:
    """Published and its submission deadline not passed (the close may not have run yet)."""
    return tender.status == Status.PUBLISHED and not deadline_passed(
        tender.submission_deadline, now
    )


def question_deadline(tender: Tender) -> datetime.datetime | None:
    """When questions stop: the question deadline, or the submission deadline without one."""
    return tender.question_deadline or tender.submission_deadline


def is_open_for_questions(tender: Tender, now: datetime.datetime) -> bool:
    """Our own tender, open for bids, and its question deadline not passed."""
    return (
        not tender.is_external
        and is_open_for_bids(tender, now)
        and not deadline_passed(question_deadline(tender), now)
    )


def is_due_to_close(tender: Tender, now: datetime.datetime) -> bool:
    """Published, with a submission deadline that has passed: the CLOSE transition is due."""
    return tender.status == Status.PUBLISHED and deadline_passed(tender.submission_deadline, now)


def effective_status(tender: Tender, now: datetime.datetime) -> str:
    """The status as the clock has decided it: a published tender past its deadline is closed."""
    return Status.CLOSED if is_due_to_close(tender, now) else tender.status


def effective_status_label(tender: Tender, now: datetime.datetime) -> str:
    return str(Status(effective_status(tender, now)).label)


def due_to_close_q(now: datetime.datetime) -> Q:
    """Tenders the CLOSE transition is due for (the database half of :func:`is_due_to_close`)."""
    return Q(status=Status.PUBLISHED, submission_deadline__lte=now)


def open_for_bids_q(now: datetime.datetime) -> Q:
    """Tenders open for bids (the database half of :func:`is_open_for_bids`)."""
    return Q(status=Status.PUBLISHED) & (
        Q(submission_deadline__isnull=True) | Q(submission_deadline__gt=now)
    )


def effective_status_q(statuses, now: datetime.datetime) -> Q:
    """Tenders whose :func:`effective_status` is one of ``statuses``."""
    statuses = frozenset(statuses)
    q = Q(status__in=statuses - {Status.PUBLISHED, Status.CLOSED})
    if Status.PUBLISHED in statuses:
        q |= open_for_bids_q(now)
    if Status.CLOSED in statuses:
        q |= Q(status=Status.CLOSED) | due_to_close_q(now)
    return q


# --- Needs: the dialogue is open until its deadline ---------------------------------------------


def need_is_open(need: Need, now: datetime.datetime) -> bool:
    """Open, and its dialogue deadline not passed (the close may not have run yet)."""
    return need.status == Need.Status.OPEN and not deadline_passed(need.dialogue_deadline, now)


def need_is_due_to_close(need: Need, now: datetime.datetime) -> bool:
    return need.status == Need.Status.OPEN and deadline_passed(need.dialogue_deadline, now)


def need_effective_status(need: Need, now: datetime.datetime) -> str:
    """An open need past its dialogue deadline is closed for every reader."""
    return Need.Status.CLOSED if need_is_due_to_close(need, now) else need.status


def need_effective_status_label(need: Need, now: datetime.datetime) -> str:
    return str(Need.Status(need_effective_status(need, now)).label)


def need_due_to_close_q(now: datetime.datetime) -> Q:
    return Q(status=Need.Status.OPEN, dialogue_deadline__lte=now)


def need_effective_status_q(statuses, now: datetime.datetime) -> Q:
    """Needs whose :func:`need_effective_status` is one of ``statuses``."""
    statuses = frozenset(statuses)
    S = Need.Status
    q = Q(status__in=statuses - {S.OPEN, S.CLOSED})
    if S.OPEN in statuses:
        q |= Q(status=S.OPEN) & (Q(dialogue_deadline__isnull=True) | Q(dialogue_deadline__gt=now))
    if S.CLOSED in statuses:
        q |= Q(status=S.CLOSED) | need_due_to_close_q(now)
    return q
