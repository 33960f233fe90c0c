"""The checks and locks every write on a bid starts with: who may prepare it, whether the tender
still takes bids (the deadline, as ``tenders.lifecycle`` judges it), whether it is still a
draft, and the row locks that keep one supplier's writes in order.

The bid, document, consortium and ESPD services all call these; none of them is imported here,
so this module sits below them (``bids.services.bids`` re-exports the names for its callers).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from bids.models import Bid
from bids.services import sealing
from marketplace.errors import DomainError, InvalidTransition, PermissionDenied
from marketplace.formatting import format_date, format_time
from marketplace.models import Organisation
from marketplace.policy import Action, user_can
from tenders.lifecycle import deadline_passed
from tenders.models import Source, Tender
from tenders.services.locks import lock_shared as lock_tender_shared


class BidError(DomainError):
    code = "bid_error"


class DeadlinePassed(BidError):
    code = "bid_deadline_passed"


def require_prepare(by, obj) -> None:
    if not user_can(by, Action.BID_PREPARE, obj):
        raise PermissionDenied(_("You may not work on bids for this organisation."))


def deadline_message(tender: Tender) -> str:
    deadline = tender.submission_deadline
    return _(
        "The deadline passed at %(time)s (Oslo time) on %(date)s; your bid was not submitted."
    ) % {"time": format_time(deadline), "date": format_date(deadline)}


def require_before_deadline(tender: Tender, now: datetime.datetime) -> None:
    if deadline_passed(tender.submission_deadline, now):
        raise DeadlinePassed(deadline_message(tender), code="bid_deadline_passed")
    if tender.status != Tender.Status.PUBLISHED:
        raise BidError(_("This tender is not open for bids."), code="bid_tender_not_open")


def require_received_in_time(tender: Tender, received_at: datetime.datetime) -> None:
    """A submission received at ``received_at`` is on time when that is before the deadline as
    committed. The tender must still take bids: published, or closed by the clock after the
    request came in and not yet opened (the periodic close runs on the minute, as deadlines do).
    """
    if (
        tender.status == Tender.Status.CLOSED
        and tender.submission_deadline is not None
        and not deadline_passed(tender.submission_deadline, received_at)
        and not sealing.tender_is_open(tender)
    ):
        return
    require_before_deadline(tender, received_at)


def require_open_for_bids(tender: Tender, now: datetime.datetime) -> None:
    if tender.source != Source.OWN or tender.status != Tender.Status.PUBLISHED:
        raise BidError(
            _("Bids on this tender are not made on Pilotmarked."), code="bid_tender_not_open"
        )
    if deadline_passed(tender.submission_deadline, now):
        raise DeadlinePassed(
            _("The deadline for bids on this tender has passed."), code="bid_deadline_passed"
        )


def lock_bid(bid: Bid) -> Bid:
    """The bid's row, locked; its tender and supplier are read along, not locked (``of``)."""
    return (
        Bid.objects.select_for_update(of=("self",))
        .select_related("tender", "supplier")
        .get(pk=bid.pk)
    )


def lock_supplier_on(tender: Tender, supplier_id: int) -> Tender:
    """The tender in share mode, then the supplier's row: one supplier's drafts, versions and
    withdrawals happen one at a time, while other suppliers (and their submissions) pass, and a
    change of the tender still waits for all of them. ``FOR NO KEY UPDATE``, so rows that merely
    point at the supplier (a new bid) are not held up by it."""
    tender = lock_tender_shared(tender)
    Organisation.objects.select_for_update(no_key=True).filter(pk=supplier_id).exists()
    return tender


def require_draft(bid: Bid) -> None:
    if bid.status != Bid.Status.DRAFT:
        raise InvalidTransition(
            _("Only a draft can be changed; make a new version of a submitted bid."),
            code="bid_not_draft",
        )
