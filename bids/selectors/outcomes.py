"""What became of a bid, as its bidder reads it in "My bids": won, not won, in the standstill
period, cancelled — or, before any award, simply its own status.

Pure functions of a bid, the tender's award decisions in force and the time, so tests need no
clock; :func:`with_outcomes` reads what they need for a page of bids in a fixed number of queries.
The rule per bid:

- the tender is cancelled → *cancelled*;
- a draft or a withdrawn bid keeps its own status;
- a decision in force names the bid: *standstill* until the latest standstill end among them
  (and no contract signed yet), *won* after it;
- otherwise, once the tender is awarded → *not won*; before that, when a letter to an
  unsuccessful bidder told it a lot went to another bid (a decision in force) → *not won* on
  those lots, the tender's other lots not decided yet;
- otherwise it stays *submitted*.

A bid with award letters links to them (``bids:supplier_award_letters``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from bids.models import AwardDecision, AwardLetter, Bid
from tenders.lifecycle import deadline_passed
from tenders.models import Tender


class Outcome(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    STANDSTILL = "standstill"
    WON = "won"
    NOT_WON = "not_won"
    CANCELLED = "cancelled"


# A Designsystemet data-color per outcome, for the tag in the table.
COLORS = {
    Outcome.DRAFT: "neutral",
    Outcome.SUBMITTED: "info",
    Outcome.WITHDRAWN: "neutral",
    Outcome.STANDSTILL: "warning",
    Outcome.WON: "success",
    Outcome.NOT_WON: "neutral",
    Outcome.CANCELLED: "danger",
}


@dataclass(frozen=True)
class BidOutcome:
    kind: Outcome
    standstill_ends_at: datetime.datetime | None = None
    has_letters: bool = False
    # Lots lost while the tender's other lots wait for their decisions (numbers, ascending).
    lost_lots: tuple[int, ...] = ()

    @property
    def color(self) -> str:
        return COLORS[self.kind]

    @property
    def label(self) -> str:
        return {
            Outcome.DRAFT: _("Draft"),
            Outcome.SUBMITTED: _("Submitted"),
            Outcome.WITHDRAWN: _("Withdrawn"),
            Outcome.STANDSTILL: _("Won – in the standstill period"),
            Outcome.WON: _("Won"),
            Outcome.NOT_WON: _("Not won"),
            Outcome.CANCELLED: _("Tender cancelled"),
        }[self.kind]


def bid_outcome(
    bid: Bid,
    *,
    decisions: Iterable[AwardDecision],
    has_letters: bool,
    lost_lots: Iterable[int] = (),
    now: datetime.datetime,
) -> BidOutcome:
    """The outcome of ``bid`` given the award decisions in force on its tender, whether it has
    award letters, and the lots (numbers) its letters said went to another bid."""
    tender = bid.tender
    if tender.status == Tender.Status.CANCELLED:
        return BidOutcome(Outcome.CANCELLED, has_letters=has_letters)
    if bid.status == Bid.Status.DRAFT:
        return BidOutcome(Outcome.DRAFT)
    if bid.status == Bid.Status.WITHDRAWN:
        return BidOutcome(Outcome.WITHDRAWN)
    decisions = [d for d in decisions if d.status == AwardDecision.Status.ACTIVE]
    won = [d for d in decisions if d.bid_id == bid.pk]
    if won:
        running = [
            d.standstill_ends_at
            for d in won
            if d.contract_signed_at is None and not deadline_passed(d.standstill_ends_at, now)
        ]
        if running:
            return BidOutcome(Outcome.STANDSTILL, max(running), has_letters)
        return BidOutcome(Outcome.WON, has_letters=has_letters)
    if tender.status == Tender.Status.AWARDED:
        return BidOutcome(Outcome.NOT_WON, has_letters=has_letters)
    if lost_lots:
        return BidOutcome(
            Outcome.NOT_WON, has_letters=has_letters, lost_lots=tuple(sorted(lost_lots))
        )
    return BidOutcome(Outcome.SUBMITTED, has_letters=has_letters)


def with_outcomes(bids: Iterable[Bid], *, now: datetime.datetime) -> list[Bid]:
    """The bids, each with ``outcome`` (a :class:`BidOutcome`): two queries for any number
    (their tenders are read along: ``bids_of`` selects them)."""
    bids = list(bids)
    prefetch_related_objects(
        bids,
        Prefetch(
            "tender__award_decisions",
            queryset=AwardDecision.objects.filter(status=AwardDecision.Status.ACTIVE),
            to_attr="decisions_in_force",
        ),
    )
    letters = AwardLetter.objects.filter(bid__in=bids).values_list(
        "bid_id", "kind", "decision__status", "decision__lot__number"
    )
    with_letters: set[int] = set()
    lost: dict[int, set[int]] = {}
    for bid_id, kind, status, lot_number in letters:
        with_letters.add(bid_id)
        if kind == AwardLetter.Kind.UNSUCCESSFUL and status == AwardDecision.Status.ACTIVE:
            lost.setdefault(bid_id, set()).add(lot_number)
    for bid in bids:
        bid.outcome = bid_outcome(
            bid,
            decisions=bid.tender.decisions_in_force,
            has_letters=bid.pk in with_letters,
            lost_lots=lost.get(bid.pk, ()),
            now=now,
        )
    return bids
