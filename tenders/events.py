"""Domain events of needs and tenders, sent after the transaction that caused them commits.

Other apps (bids, search) listen here instead of being imported by tenders: the tenders app never
imports the apps built on it. Every signal is sent with ``sender`` the model class and keyword
arguments ``<model>_id`` (a primary key, never an instance: receivers read fresh rows) and, where
it matters, ``event`` naming what happened.

A rolled-back transaction sends nothing; a receiver that fails is logged and does not stop the
others (``send_robust``), since the change it reacts to has already been committed.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# kwargs: tender_id, event ("published" | "amended" | "deadline_extended" | "closed" |
# "evaluation_started" | "awarded" | "award_withdrawn" | "cancelled"), version
tender_changed = Signal()
# kwargs: need_id, event ("published" | "updated" | "closed" | "tendered")
need_changed = Signal()

TENDER_EVENTS = frozenset(
    {
        "published",
        "amended",
        "deadline_extended",
        "closed",
        "evaluation_started",
        "awarded",
        "award_withdrawn",
        "cancelled",
    }
)
NEED_EVENTS = frozenset({"published", "updated", "closed", "tendered"})


def _send(signal: Signal, sender, **kwargs) -> None:
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "receiver %r of %s failed",
                receiver,
                kwargs.get("event"),
                exc_info=(type(result), result, result.__traceback__),
            )


def tender_event_on_commit(tender, event: str) -> None:
    """Send ``tender_changed`` for ``tender`` once the current transaction commits."""
    if event not in TENDER_EVENTS:
        raise ValueError(f"unknown tender event {event!r}")
    sender, tender_id, version = type(tender), tender.pk, tender.version
    transaction.on_commit(
        lambda: _send(tender_changed, sender, tender_id=tender_id, event=event, version=version)
    )


def need_event_on_commit(need, event: str) -> None:
    """Send ``need_changed`` for ``need`` once the current transaction commits."""
    if event not in NEED_EVENTS:
        raise ValueError(f"unknown need event {event!r}")
    sender, need_id = type(need), need.pk
    transaction.on_commit(lambda: _send(need_changed, sender, need_id=need_id, event=event))
