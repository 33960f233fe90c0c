"""Evaluation after opening: evaluators, the qualification check, scores and the consensus.

An officer (``TENDER_MANAGE``) assigns evaluators — people holding the evaluator role in the
buyer, for the tender's unit or unlimited; an administrator of the whole buyer may also name
evaluators of its other units (``EVALUATORS_ACROSS_UNITS``). Officers and assigned evaluators
judge qualification; each assigned evaluator scores each criterion 0–10 per lot of each qualified
bid; the officer fixes the consensus score with a rationale. Every change of a score is an audit
event with its before and after values.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bids.models import (
    Bid,
    ConsensusScore,
    EvaluatorAssignment,
    QualificationAssessment,
    Score,
)
from bids.selectors.buyer import bid_lot_ids, is_qualified
from bids.services.sealing import tender_is_open
from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import NotificationKind
from marketplace.policy import Action, user_can, user_can_as_named
from marketplace.services.audit import audit_record
from marketplace.services.notifications import notify
from marketplace.services.organisations import default_language_path
from tenders.models import Criterion, Lot, Tender
from tenders.services.locks import lock

EVALUATION_STATUSES = frozenset({Tender.Status.CLOSED, Tender.Status.IN_EVALUATION})


def require_manage(by, tender: Tender) -> None:
    if not user_can(by, Action.TENDER_MANAGE, tender):
        raise PermissionDenied(_("Only a procurement officer of this tender may do this."))


def is_assigned_evaluator(user, tender: Tender) -> bool:
    return (
        user_can_as_named(user, Action.BID_EVALUATE, tender)
        and EvaluatorAssignment.objects.filter(tender=tender, user=user).exists()
    )


def require_evaluating(tender: Tender) -> None:
    if not tender_is_open(tender):
        raise DomainError(
            _("The bids are sealed until they are opened after the deadline."), code="bid_sealed"
        )
    if tender.status not in EVALUATION_STATUSES:
        raise DomainError(_("The evaluation of this tender is closed."), code="evaluation_closed")


def _points(value, field: str = "points") -> Decimal:
    try:
        points = Decimal(str(value))
    except (InvalidOperation, ValueError):
        points = None
    if points is None or not points.is_finite() or points < 0 or points > 10:
        raise DomainError(_("Give points from 0 to 10."), code="score_points_range", field=field)
    return points.quantize(Decimal("0.01"))


def _scored_bid(bid: Bid, lot: Lot, criterion: Criterion) -> None:
    tender = bid.tender
    if lot.tender_id != bid.tender_id or criterion.tender_id != bid.tender_id:
        raise DomainError(
            _("That lot or criterion is not part of this tender."), code="score_scope"
        )
    if bid.status != Bid.Status.SUBMITTED:
        raise DomainError(_("Only submitted bids are evaluated."), code="score_bid_status")
    if lot.pk not in bid_lot_ids(tender, bid):
        raise DomainError(_("This bid is not on that lot."), code="score_lot_not_bid")
    if not is_qualified(bid):
        raise DomainError(
            _("Only bids that passed the qualification check are scored."),
            code="score_not_qualified",
        )


# --- Evaluators -----------------------------------------------------------------------------------


def may_name_across_units(by, tender: Tender) -> bool:
    """Whether ``by`` may name evaluators whose role is limited to another unit than the
    tender's (an administrator of the whole buyer; the rule is the policy's)."""
    return user_can(by, Action.EVALUATORS_ACROSS_UNITS, tender.buyer)


@transaction.atomic
def evaluator_assign(*, tender: Tender, user, by) -> EvaluatorAssignment:
    require_manage(by, tender)
    tender = lock(tender)
    if not user_can(user, Action.BID_EVALUATE, tender):
        if not user_can_as_named(user, Action.BID_EVALUATE, tender):
            raise DomainError(
                _("This person does not hold the evaluator role in the buyer."),
                code="evaluator_role_missing",
                field="user",
            )
        if not may_name_across_units(by, tender):
            raise DomainError(
                _(
                    "This person is an evaluator for another service area. Only an "
                    "administrator of the whole organisation may name them for this tender."
                ),
                code="evaluator_other_unit",
                field="user",
            )
    if EvaluatorAssignment.objects.filter(tender=tender, user=user).exists():
        raise DomainError(
            _("This person is already an evaluator of the tender."),
            code="evaluator_already_assigned",
            field="user",
        )
    assignment = EvaluatorAssignment.objects.create(tender=tender, user=user, assigned_by=by)
    audit_record(
        actor=by,
        action="bid.evaluator_assigned",
        obj=tender,
        after={"evaluator": user.pk},
    )
    notify(
        recipient=user,
        kind=NotificationKind.BIDS,
        key=f"bids:evaluator-assigned:{tender.pk}:{user.pk}:{assignment.pk}",
        template="bids/notifications/evaluator_assigned",
        context={"tender": tender},
        url=default_language_path("bids:bids_evaluation", reference=tender.reference),
    )
    return assignment


@transaction.atomic
def evaluator_unassign(*, assignment: EvaluatorAssignment, by) -> None:
    require_manage(by, assignment.tender)
    audit_record(
        actor=by,
        action="bid.evaluator_unassigned",
        obj=assignment.tender,
        before={"evaluator": assignment.user_id},
    )
    assignment.delete()


# --- Qualification --------------------------------------------------------------------------------


@transaction.atomic
def qualification_assess(*, bid: Bid, by, result: str, reason: str = "") -> QualificationAssessment:
    tender = Tender.objects.get(pk=bid.tender_id)  # fresh: the status may have moved on
    if not (user_can(by, Action.TENDER_MANAGE, tender) or is_assigned_evaluator(by, tender)):
        raise PermissionDenied(_("Only the tender's officers and evaluators may do this."))
    require_evaluating(tender)
    if bid.status != Bid.Status.SUBMITTED:
        raise DomainError(_("Only submitted bids are evaluated."), code="score_bid_status")
    if result not in QualificationAssessment.Result.values:
        raise DomainError(
            _("Choose qualified or rejected."), code="qualification_result", field="result"
        )
    reason = reason.strip()
    if result == QualificationAssessment.Result.REJECTED and not reason:
        raise DomainError(
            _("Give the reason for rejecting the bidder."),
            code="qualification_reason",
            field="reason",
        )
    assessment = QualificationAssessment.objects.select_for_update().filter(bid=bid).first()
    before = {"result": assessment.result, "reason": assessment.reason} if assessment else None
    if assessment is None:
        assessment = QualificationAssessment(bid=bid)
    assessment.result, assessment.reason = result, reason
    assessment.assessed_by, assessment.assessed_at = by, timezone.now()
    assessment.save()
    audit_record(
        actor=by,
        action="bid.qualification_assessed",
        obj=bid,
        organisation=tender.buyer_id,
        before=before,
        after={"result": result, "reason": reason},
    )
    return assessment


# --- Scores ---------------------------------------------------------------------------------------


@transaction.atomic
def score_set(*, bid: Bid, lot: Lot, criterion: Criterion, by, points, comment: str = "") -> Score:
    """An assigned evaluator's own score; changing it later is audited with before and after."""
    tender = Tender.objects.get(pk=bid.tender_id)  # fresh: the status may have moved on
    if not is_assigned_evaluator(by, tender):
        raise PermissionDenied(_("Only the tender's assigned evaluators score its bids."))
    require_evaluating(tender)
    _scored_bid(bid, lot, criterion)
    points = _points(points)
    score = (
        Score.objects.select_for_update()
        .filter(bid=bid, lot=lot, criterion=criterion, evaluator=by)
        .first()
    )
    before = {"points": score.points, "comment": score.comment} if score else None
    if score is None:
        score = Score(bid=bid, lot=lot, criterion=criterion, evaluator=by)
    elif score.points == points and score.comment == comment.strip():
        return score
    score.points, score.comment = points, comment.strip()
    score.save()
    audit_record(
        actor=by,
        action="bid.score_changed",
        obj=bid,
        organisation=tender.buyer_id,
        before=before,
        after={
            "lot": lot.number,
            "criterion": criterion.pk,
            "evaluator": by.pk,
            "points": points,
            "comment": score.comment,
        },
    )
    return score


@transaction.atomic
def consensus_set(
    *, bid: Bid, lot: Lot, criterion: Criterion, by, points, rationale: str
) -> ConsensusScore:
    """The officer fixes the agreed score of a criterion with a rationale."""
    tender = Tender.objects.get(pk=bid.tender_id)  # fresh: the status may have moved on
    require_manage(by, tender)
    require_evaluating(tender)
    _scored_bid(bid, lot, criterion)
    points = _points(points)
    rationale = rationale.strip()
    if not rationale:
        raise DomainError(
            _("Give the rationale for the agreed score."),
            code="consensus_rationale",
            field="rationale",
        )
    score = (
        ConsensusScore.objects.select_for_update()
        .filter(bid=bid, lot=lot, criterion=criterion)
        .first()
    )
    before = {"points": score.points, "rationale": score.rationale} if score else None
    if score is None:
        score = ConsensusScore(bid=bid, lot=lot, criterion=criterion)
    elif score.points == points and score.rationale == rationale:
        return score
    score.points, score.rationale = points, rationale
    score.decided_by, score.decided_at = by, timezone.now()
    score.save()
    audit_record(
        actor=by,
        action="bid.consensus_changed",
        obj=bid,
        organisation=tender.buyer_id,
        before=before,
        after={
            "lot": lot.number,
            "criterion": criterion.pk,
            "points": points,
            "rationale": rationale,
        },
    )
    return score
