"""The tender lifecycle: one table of allowed transitions, read by services, views and templates.

draft → published → closed (at the deadline, by the periodic task) → in evaluation → awarded;
published, closed or in evaluation → cancelled. Each transition has one service in
``tenders.services.tenders`` reached by one POST action URL; nothing else changes ``status``.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from marketplace.errors import InvalidTransition
from tenders.models import Tender

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
