"""The CLOSE transition: a published tender closes at its submission deadline, and its bid
openers are told.

Three callers, one service: the periodic job (``tenders_close_due``, run by Celery beat, or by
the in-process scheduler of the embedded default), a reader who meets a tender whose close is due
(``tender_close_if_due``: the buyer's page, so its actions are those of a closed tender), and the
first bid opening. The tender's row is locked and the lifecycle table refuses a second close, so
racing callers close it once; the openers' message is written in the same transaction, keyed per
tender and opener, so it exists exactly when the close happened. Readers never wait for any of
this: ``tenders.lifecycle.effective_status`` already says "closed" from the deadline's instant.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.models import NotificationKind
from marketplace.policy import Action
from marketplace.services.notifications import notify
from marketplace.services.organisations import default_language_path
from tenders import lifecycle
from tenders.lifecycle import Transition
from tenders.models import Tender
from tenders.selectors.dialogue import managers_of
from tenders.services.locks import lock
from tenders.services.tenders import require_manage
from tenders.services.transitions import transition_step


@transaction.atomic
def tender_close(*, tender: Tender, by=None, now: datetime.datetime | None = None) -> Tender:
    """Close a published tender whose submission deadline has passed (the periodic task does
    this as the system; ``by`` is None then). The bid openers are told, once."""
    if by is not None:
        require_manage(by, tender)
    tender = lock(tender)
    lifecycle.target(tender, Transition.CLOSE)
    now = now or timezone.now()
    if not lifecycle.deadline_passed(tender.submission_deadline, now):
        raise DomainError(
            _("The tender closes at its deadline, not before."), code="tender_close_too_early"
        )
    transition_step(
        tender,
        Transition.CLOSE,
        by=by,
        action="tender.closed",
        event="closed",
        fields={"closed_at": now},
    )
    openers_notify_closed(tender)
    return tender


def tender_close_if_due(*, tender: Tender, now: datetime.datetime | None = None) -> bool:
    """Close the tender as the system when its close is due and nobody has closed it yet.
    Returns whether this call closed it; a close that lost a race to another is no error."""
    now = now or timezone.now()
    if tender.is_external or not lifecycle.is_due_to_close(tender, now):
        return False
    try:
        tender_close(tender=tender, now=now)
    except DomainError:  # closed (or cancelled) by someone else meanwhile
        return False
    return True


def tenders_close_due(*, now: datetime.datetime | None = None) -> list[str]:
    """Close every published tender whose deadline has passed, each in its own transaction.
    Returns the references closed. Running it again closes nothing more."""
    now = now or timezone.now()
    due = Tender.objects.own().filter(lifecycle.due_to_close_q(now))
    return [
        tender.reference
        for tender in due.order_by("submission_deadline", "pk")
        if tender_close_if_due(tender=tender, now=now)
    ]


def openers_notify_closed(tender: Tender) -> int:
    """Tell every bid opener of the tender's unit that its deadline has passed and the bids
    wait to be opened, with a link to the opening page. Returns how many were told."""
    url = default_language_path("bids:buyer_bids", reference=tender.reference)
    openers = list(managers_of(tender, Action.BID_OPEN))
    for opener in openers:
        notify(
            recipient=opener,
            kind=NotificationKind.BUYER_ACTIVITY,
            key=f"tender:{tender.pk}:deadline_passed",
            template="tenders/notifications/deadline_passed",
            context={"tender": tender},
            url=url,
        )
    return len(openers)
