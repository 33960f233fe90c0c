"""Reads for the buyer's side of bids: which tenders a person reaches, the opened bids, the
scores, weighted totals and ranking, the award history.

A tender is reached only through :func:`tenders_for_bid_work` (404 for anyone else). Whether its
bids may be read at all is the seal's decision (``bids.services.sealing``): views ask it first,
and these selectors return bid data only for opened tenders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from bids.models import (
    AwardDecision,
    AwardLetter,
    Bid,
    ConsensusScore,
    EvaluatorAssignment,
    QualificationAssessment,
    Score,
)
from bids.services.sealing import tender_is_open
from marketplace.models import Membership, Organisation, Role, User
from marketplace.policy import Action, people_who_can, scope_q, user_can, user_can_as_named
from tenders.models import Tender

# --- Tenders and roles ----------------------------------------------------------------------------


def tenders_for_bid_work(user) -> QuerySet[Tender]:
    """Own tenders where ``user`` manages tenders or opens bids in the unit, or is an assigned
    evaluator holding the evaluator role in the buyer (any unit: see ``user_can_as_named``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Tender.objects.none()
    assigned = Q(
        pk__in=EvaluatorAssignment.objects.filter(user=user).values("tender_id")
    ) & scope_q(user, Action.BID_EVALUATE, named=True)
    return (
        Tender.objects.own()
        .filter(scope_q(user, Action.TENDER_MANAGE) | scope_q(user, Action.BID_OPEN) | assigned)
        .select_related("buyer", "unit")
    )


def tender_for_bid_work(user, reference: str) -> Tender:
    tender = (
        tenders_for_bid_work(user)
        .prefetch_related("lots", "criteria", "requirements")
        .filter(reference=reference)
        .first()
    )
    if tender is None:
        raise Http404
    return tender


@dataclass(frozen=True)
class BidRoles:
    manage: bool
    open: bool
    evaluate: bool

    @property
    def any(self) -> bool:
        return self.manage or self.open or self.evaluate


def roles_on(user, tender: Tender) -> BidRoles:
    return BidRoles(
        manage=user_can(user, Action.TENDER_MANAGE, tender),
        open=user_can(user, Action.BID_OPEN, tender),
        evaluate=user_can_as_named(user, Action.BID_EVALUATE, tender)
        and EvaluatorAssignment.objects.filter(tender=tender, user=user).exists(),
    )


def my_evaluations(user) -> QuerySet[Tender]:
    """Tenders ``user`` is assigned to evaluate (and still holds the evaluator role for)."""
    if not getattr(user, "is_authenticated", False):
        return Tender.objects.none()
    return (
        Tender.objects.own()
        .filter(scope_q(user, Action.BID_EVALUATE, named=True), evaluator_assignments__user=user)
        .select_related("buyer", "unit", "opening")
        .distinct()
        .order_by("-submission_deadline")
    )


def evaluator_candidates(tender: Tender, *, across_units: bool = False) -> QuerySet[User]:
    """People holding the evaluator role in the tender's buyer, for its unit or unlimited — or,
    ``across_units`` (an organisation administrator naming them), for any of its units."""
    assigned = tender.evaluator_assignments.values("user_id")
    return (
        people_who_can(Action.BID_EVALUATE, tender, named=across_units)
        .exclude(pk__in=assigned)
        .order_by("full_name", "email")
    )


def assignments_of(tender: Tender) -> QuerySet[EvaluatorAssignment]:
    return tender.evaluator_assignments.select_related("user").order_by("user__full_name", "pk")


# --- Opened bids ----------------------------------------------------------------------------------


def opened_bids(tender: Tender) -> QuerySet[Bid]:
    """The bids the opening protocol lists (none before opening), in submission order."""
    if not tender_is_open(tender):
        return Bid.objects.none()
    in_protocol = [entry["bid"] for entry in tender.opening.protocol.get("bids", [])]
    return (
        Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED, public_id__in=in_protocol)
        .select_related("supplier")
        .prefetch_related(
            Prefetch(
                "qualification",
                queryset=QualificationAssessment.objects.select_related("assessed_by"),
            )
        )
        .order_by("submitted_at", "pk")
    )


def protocol_entry(tender: Tender, bid: Bid) -> dict:
    """The bid's line of the frozen opening protocol ({} when it is not in it)."""
    for entry in tender.opening.protocol.get("bids", []):
        if entry.get("bid") == str(bid.public_id):
            return entry
    return {}


def bid_lot_ids(tender: Tender, bid: Bid) -> list[int]:
    """Lots the bid is on, as the opening protocol recorded them."""
    return [item["lot_id"] for item in protocol_entry(tender, bid).get("lots", [])]


def qualification_of(bid: Bid) -> QualificationAssessment | None:
    try:
        return bid.qualification
    except QualificationAssessment.DoesNotExist:
        return None


def is_qualified(bid: Bid) -> bool:
    assessment = qualification_of(bid)
    return assessment is not None and assessment.result == QualificationAssessment.Result.QUALIFIED


# --- Scores and totals ----------------------------------------------------------------------------


def weighted_total(points_by_criterion: dict[int, Decimal], criteria) -> Decimal:
    """Σ points/10 × weight over the criteria (points 0–10, weights summing to 100)."""
    total = Decimal("0")
    for criterion in criteria:
        points = points_by_criterion.get(criterion.pk)
        if points is not None:
            total += Decimal(points) / Decimal(10) * Decimal(criterion.weight)
    return total.quantize(Decimal("0.01"))


@dataclass
class BidResult:
    bid: Bid
    price: str | None
    qualified: bool
    consensus: dict[int, ConsensusScore] = field(default_factory=dict)
    total: Decimal = Decimal("0")
    complete: bool = False
    rank: int | None = None

    @property
    def points(self) -> dict[int, Decimal]:
        return {pk: score.points for pk, score in self.consensus.items()}


@dataclass
class LotResult:
    lot: object
    results: list[BidResult]
    active_decision: AwardDecision | None = None


def lot_results(tender: Tender) -> list[LotResult]:
    """Per lot: each bid on it with its consensus scores, weighted total and rank (qualified bids
    with every criterion agreed are ranked by total, highest first)."""
    criteria = list(tender.criteria.all())
    bids = list(opened_bids(tender))
    consensus: dict[tuple[int, int], dict[int, ConsensusScore]] = {}
    for score in ConsensusScore.objects.filter(bid__in=bids).select_related("decided_by"):
        consensus.setdefault((score.bid_id, score.lot_id), {})[score.criterion_id] = score
    active = {
        decision.lot_id: decision
        for decision in AwardDecision.objects.filter(
            tender=tender, status=AwardDecision.Status.ACTIVE
        ).select_related("bid__supplier", "decided_by")
    }
    out = []
    for lot in tender.lots.order_by("number"):
        results = []
        for bid in bids:
            entry = protocol_entry(tender, bid)
            lot_line = next((i for i in entry.get("lots", []) if i["lot_id"] == lot.pk), None)
            if lot_line is None:
                continue
            agreed = consensus.get((bid.pk, lot.pk), {})
            result = BidResult(
                bid=bid, price=lot_line.get("price"), qualified=is_qualified(bid), consensus=agreed
            )
            result.total = weighted_total(result.points, criteria)
            result.complete = bool(criteria) and all(c.pk in agreed for c in criteria)
            results.append(result)
        ranked = sorted(
            (r for r in results if r.qualified and r.complete),
            key=lambda r: (-r.total, r.bid.submitted_at, r.bid.pk),
        )
        for position, result in enumerate(ranked, start=1):
            result.rank = position
        results.sort(key=lambda r: (r.rank is None, r.rank or 0, r.bid.submitted_at))
        out.append(LotResult(lot=lot, results=results, active_decision=active.get(lot.pk)))
    return out


def scores_of(tender: Tender, *, evaluator=None) -> QuerySet[Score]:
    scores = Score.objects.filter(bid__tender=tender).select_related("evaluator")
    if evaluator is not None:
        scores = scores.filter(evaluator=evaluator)
    return scores


def scores_by_key(tender: Tender, *, evaluator=None) -> dict[tuple[int, int, int], list[Score]]:
    """(bid pk, lot pk, criterion pk) → the evaluators' scores."""
    out: dict[tuple[int, int, int], list[Score]] = {}
    for score in scores_of(tender, evaluator=evaluator).order_by("evaluator__full_name"):
        out.setdefault((score.bid_id, score.lot_id, score.criterion_id), []).append(score)
    return out


# --- Award ----------------------------------------------------------------------------------------


def award_history(tender: Tender) -> QuerySet[AwardDecision]:
    return (
        AwardDecision.objects.filter(tender=tender)
        .select_related("lot", "bid__supplier", "decided_by", "withdrawn_by")
        .order_by("lot__number", "-decided_at", "-pk")
    )


def letters_for_bid(bid: Bid) -> QuerySet[AwardLetter]:
    return (
        AwardLetter.objects.filter(bid=bid)
        .select_related("decision__lot")
        .order_by("-sent_at", "-pk")
    )


def bidder_users(bid: Bid) -> QuerySet[User]:
    """The people who hear about a bid: members of the lead supplier and of the confirmed
    consortium members."""
    organisations = [bid.supplier_id] + [
        member.organisation_id
        for member in bid.consortium_members.all()
        if member.organisation_id and member.status == "confirmed"
    ]
    ids = Membership.objects.filter(
        organisation_id__in=organisations, role__in=Role.for_kind(Organisation.Kind.SUPPLIER)
    ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("pk")
