"""Domain events of needs and tenders, sent after the transaction that caused them commits.

Other apps (bids, search) listen here instead of being imported by tenders: the tenders app never
imports the apps built on it. Every signal is sent with ``sender`` the model class and keyword
arguments ``<model>_id`` (a primary key, never an instance: receivers read fresh rows) and, where
it matters, ``event`` naming what happened.

Events travel the one path of ``marketplace.domain_events``: an outbox row written with the change,
delivered after the commit, swept if a broker outage or a crash got in the way. A rolled-back
transaction sends nothing; a receiver that fails is logged, does not stop the others, and the
event is delivered again later.
"""

from __future__ import annotations

from django.dispatch import Signal

from marketplace.domain_events import event_on_commit, register_signal

# kwargs: tender_id, event ("published" | "amended" | "deadline_extended" | "closed" |
# "evaluation_started" | "awarded" | "award_withdrawn" | "cancelled"), version
tender_changed = register_signal("tenders.domain_events.tender_changed", Signal())
# kwargs: need_id, event ("published" | "updated" | "closed" | "tendered")
need_changed = register_signal("tenders.domain_events.need_changed", Signal())

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


def tender_event_on_commit(tender, event: str) -> None:
    """Send ``tender_changed`` for ``tender`` once the current transaction commits."""
    if event not in TENDER_EVENTS:
        raise ValueError(f"unknown tender event {event!r}")
    event_on_commit(
        tender_changed, tender, tender_id=tender.pk, event=event, version=tender.version
    )


def need_event_on_commit(need, event: str) -> None:
    """Send ``need_changed`` for ``need`` once the current transaction commits."""
    if event not in NEED_EVENTS:
        raise ValueError(f"unknown need event {event!r}")
    event_on_commit(need_changed, need, need_id=need.pk, event=event)
