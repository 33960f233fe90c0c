"""Award decisions per lot, letters to the bidders, un-award, contract signature.

A decision names the winning bid of a lot with reasons and starts the standstill period
(``BID_STANDSTILL_DAYS``). Every bidder on the lot gets a letter kept as sent: its own agreed
scores per criterion and total next to the winner's, the reasons and the standstill end. When
every lot with bids has a decision in force the tender is marked awarded. An un-award keeps the
decision (status withdrawn, with who, when and why), writes "withdrawn" letters to the same
bidders and sends the tender back to evaluation; a new decision may follow. The contract may be
signed only after the standstill period.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bids.models import AwardDecision, AwardLetter, Bid
from bids.selectors.buyer import BidResult, bidder_users, lot_results, qualification_of
from bids.services.evaluation import require_manage
from bids.services.sealing import tender_is_open
from marketplace.errors import DomainError
from marketplace.models import NotificationKind
from marketplace.services.audit import audit_record, canonical_json
from marketplace.services.notifications import notify
from marketplace.services.organisations import default_language_path
from tenders.models import Follow, Lot, Tender
from tenders.services.tenders import (
    lock,
    tender_mark_awarded,
    tender_start_evaluation,
    tender_withdraw_award,
)


def _scores_block(result: BidResult | None, criteria) -> dict:
    if result is None:
        return {"supplier": "", "scores": [], "total": None, "price": None}
    return {
        "supplier": result.bid.supplier.name,
        "price": result.price,
        "scores": [
            {
                "criterion": criterion.name,
                "weight": criterion.weight,
                "points": result.points.get(criterion.pk),
            }
            for criterion in criteria
        ],
        "total": result.total,
    }


def letters_url(bid: Bid) -> str:
    return default_language_path("bids:supplier_award_letters", public_id=bid.public_id)


def _send_letter(decision: AwardDecision, bid: Bid, kind: str, content: dict) -> AwardLetter:
    letter, _created = AwardLetter.objects.get_or_create(
        decision=decision, bid=bid, kind=kind, defaults={"content": canonical_json(content)}
    )
    for user in bidder_users(bid):
        notify(
            recipient=user,
            kind=NotificationKind.BIDS,
            key=f"bids:award-letter:{letter.pk}",
            template=f"bids/notifications/award_{kind}",
            context={
                "tender": decision.tender,
                "decision": decision,
                "letter": letter.content,
                "lot": decision.lot,
            },
            url=letters_url(bid),
        )
    return letter


def _lot_result(tender: Tender, lot: Lot):
    for item in lot_results(tender):
        if item.lot.pk == lot.pk:
            return item
    return None


@transaction.atomic
def award_decide(
    *, tender: Tender, lot: Lot, bid: Bid, by, reasons: str, now: datetime.datetime | None = None
) -> AwardDecision:
    """Award ``lot`` to ``bid``; letters go to every bidder on the lot."""
    require_manage(by, tender)
    tender = lock(tender)
    now = now or timezone.now()
    if not tender_is_open(tender):
        raise DomainError(
            _("The bids are sealed until they are opened after the deadline."), code="bid_sealed"
        )
    if tender.status == Tender.Status.CLOSED:
        tender = tender_start_evaluation(tender=tender, by=by, now=now)
    if tender.status != Tender.Status.IN_EVALUATION:
        raise DomainError(
            _("Only a tender in evaluation can be awarded."), code="award_not_in_evaluation"
        )
    if lot.tender_id != tender.pk or bid.tender_id != tender.pk:
        raise DomainError(_("That lot or bid is not part of this tender."), code="award_scope")
    reasons = reasons.strip()
    if not reasons:
        raise DomainError(
            _("Give the reasons for the award."), code="award_reasons", field="reasons"
        )
    if AwardDecision.objects.filter(lot=lot, status=AwardDecision.Status.ACTIVE).exists():
        raise DomainError(
            _("This lot already has an award decision in force; withdraw it first."),
            code="award_exists",
        )
    lot_result = _lot_result(tender, lot)
    results = {r.bid.pk: r for r in lot_result.results} if lot_result else {}
    winner = results.get(bid.pk)
    if winner is None:
        raise DomainError(_("This bid is not on that lot."), code="award_lot_not_bid", field="bid")
    if not winner.qualified:
        raise DomainError(
            _("Only a qualified bid can win."), code="award_not_qualified", field="bid"
        )
    if not winner.complete:
        raise DomainError(
            _("Agree a score for every criterion of the winning bid first."),
            code="award_scores_missing",
            field="bid",
        )
    decision = AwardDecision.objects.create(
        tender=tender,
        lot=lot,
        bid=bid,
        reasons=reasons,
        decided_by=by,
        decided_at=now,
        standstill_ends_at=now + datetime.timedelta(days=settings.BID_STANDSTILL_DAYS),
    )
    criteria = list(tender.criteria.all())
    winner_block = _scores_block(winner, criteria)
    for result in results.values():
        is_winner = result.bid.pk == bid.pk
        qualification = qualification_of(result.bid)
        _send_letter(
            decision,
            result.bid,
            AwardLetter.Kind.WINNER if is_winner else AwardLetter.Kind.UNSUCCESSFUL,
            {
                "tender": tender.reference,
                "title": tender.title,
                "lot": {"number": lot.number, "title": lot.title},
                "reasons": reasons,
                "decided_at": now,
                "standstill_ends_at": decision.standstill_ends_at,
                "own": _scores_block(result, criteria),
                "winner": winner_block,
                "qualified": result.qualified,
                "rejection_reason": ""
                if result.qualified or qualification is None
                else qualification.reason,
            },
        )
    audit_record(
        actor=by,
        action="bid.awarded",
        obj=decision,
        after={
            "tender": tender.reference,
            "lot": lot.number,
            "bid": str(bid.public_id),
            "supplier": bid.supplier.name,
            "total": winner.total,
            "reasons": reasons,
            "standstill_ends_at": decision.standstill_ends_at,
        },
    )
    if _every_lot_awarded(tender):
        tender_mark_awarded(tender=tender, by=by, now=now)
    return decision


def _every_lot_awarded(tender: Tender) -> bool:
    lots_with_bids = {item.lot.pk for item in lot_results(tender) if item.results}
    awarded = set(
        AwardDecision.objects.filter(tender=tender, status=AwardDecision.Status.ACTIVE).values_list(
            "lot_id", flat=True
        )
    )
    return bool(lots_with_bids) and lots_with_bids <= awarded


@transaction.atomic
def award_withdraw(
    *, decision: AwardDecision, by, reason: str, now: datetime.datetime | None = None
) -> AwardDecision:
    """Un-award: the decision stays as history (withdrawn); its bidders are told."""
    tender = decision.tender
    require_manage(by, tender)
    tender = lock(tender)
    decision = AwardDecision.objects.select_for_update().get(pk=decision.pk)
    now = now or timezone.now()
    if decision.status != AwardDecision.Status.ACTIVE:
        raise DomainError(_("This decision is already withdrawn."), code="award_withdrawn")
    if decision.contract_signed_at is not None:
        raise DomainError(
            _("The contract is signed; the award can no longer be withdrawn."),
            code="award_contract_signed",
        )
    reason = reason.strip()
    if not reason:
        raise DomainError(
            _("Give the reason for withdrawing the award."),
            code="award_withdraw_reason",
            field="reason",
        )
    decision.status = AwardDecision.Status.WITHDRAWN
    decision.withdrawn_by, decision.withdrawn_at, decision.withdrawal_reason = by, now, reason
    decision.save()
    bids = (
        Bid.objects.filter(award_letters__decision=decision).distinct().select_related("supplier")
    )
    for bid in bids:
        _send_letter(
            decision,
            bid,
            AwardLetter.Kind.WITHDRAWN,
            {
                "tender": tender.reference,
                "title": tender.title,
                "lot": {"number": decision.lot.number, "title": decision.lot.title},
                "winner": {"supplier": decision.bid.supplier.name},
                "was_winner": bid.pk == decision.bid_id,
                "reason": reason,
                "withdrawn_at": now,
            },
        )
    audit_record(
        actor=by,
        action="bid.award_withdrawn",
        obj=decision,
        before={"status": AwardDecision.Status.ACTIVE, "bid": str(decision.bid.public_id)},
        after={"status": decision.status, "reason": reason, "withdrawn_at": now},
    )
    if tender.status == Tender.Status.AWARDED:
        tender_withdraw_award(tender=tender, by=by, reason=reason)
    return decision


@transaction.atomic
def contract_sign(
    *,
    decision: AwardDecision,
    by,
    signed_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> AwardDecision:
    """Record the contract's signature, only after the standstill period has ended."""
    require_manage(by, decision.tender)
    decision = AwardDecision.objects.select_for_update().get(pk=decision.pk)
    now = now or timezone.now()
    signed_at = signed_at or now
    if decision.status != AwardDecision.Status.ACTIVE:
        raise DomainError(_("This decision is withdrawn."), code="award_withdrawn")
    if decision.contract_signed_at is not None:
        raise DomainError(_("The contract is already signed."), code="contract_signed")
    if signed_at < decision.standstill_ends_at or now < decision.standstill_ends_at:
        raise DomainError(
            _("The contract may be signed only after the standstill period has ended."),
            code="contract_in_standstill",
        )
    if signed_at > now:
        raise DomainError(
            _("The signature date cannot be in the future."),
            code="contract_future",
            field="signed_at",
        )
    decision.contract_signed_at = signed_at
    decision.save(update_fields=["contract_signed_at"])
    audit_record(
        actor=by,
        action="bid.contract_signed",
        obj=decision,
        after={"contract_signed_at": signed_at},
    )
    return decision


def bidders_notify_cancelled(*, tender_id: int) -> int:
    """Tell everyone behind a submitted bid that the tender was cancelled. Returns how many
    people were told; ``notify()`` keys make a repeat tell nobody twice."""
    tender = Tender.objects.filter(pk=tender_id, status=Tender.Status.CANCELLED).first()
    if tender is None:
        return 0
    url = default_language_path("tenders:tender_detail", reference=tender.reference)
    told = 0
    bids = Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED).select_related("supplier")
    for bid in bids:
        for user in bidder_users(bid):
            notify(
                recipient=user,
                kind=NotificationKind.BIDS,
                key=f"bids:tender-cancelled:{tender.pk}",
                template="bids/notifications/buyer_cancelled",
                context={
                    "tender": tender,
                    "reason": tender.cancellation_reason,
                    "supplier": bid.supplier.name,
                },
                url=url,
            )
            told += 1
    return told


def bidders_notify_changed(*, tender_id: int, event: str, version: int) -> int:
    """Tell everyone behind a draft or submitted bid that the tender was amended or its deadline
    moved (they are not made followers: see ``bid_start``). People who follow the tender anyway
    hear it from the follow and are skipped here. Keys carry the tender's version, so a repeat
    tells nobody twice. Returns how many people were told."""
    tender = Tender.objects.filter(pk=tender_id).first()
    if tender is None or tender.is_external:
        return 0
    url = default_language_path("tenders:tender_detail", reference=tender.reference)
    following = set(Follow.objects.filter(tender=tender).values_list("user_id", flat=True))
    told = 0
    bids = Bid.objects.filter(
        tender=tender, status__in=[Bid.Status.DRAFT, Bid.Status.SUBMITTED]
    ).select_related("supplier")
    for bid in bids:
        for user in bidder_users(bid):
            if user.pk in following:
                continue
            notify(
                recipient=user,
                kind=NotificationKind.BIDS,
                key=f"bids:tender-changed:{tender.pk}:v{version}:{event}",
                template="bids/notifications/bidder_tender_changed",
                context={"tender": tender, "event": event, "supplier": bid.supplier.name},
                url=url,
            )
            told += 1
    return told
