"""Reactions to tender events (``tenders.domain_events``), sent after the tender's change commits.

Each writes an outbox row (``marketplace.outbox``) in the event's delivery transaction, keyed on
the tender, its version and the event, so bidders are told once, even when the broker is down.
"""

from __future__ import annotations

from django.dispatch import receiver

from bids.services.award import bidders_notify_cancelled, bidders_notify_changed
from marketplace.outbox import outbox_enqueue, outbox_handler
from tenders.domain_events import tender_changed


@receiver(tender_changed, dispatch_uid="bids.tender_cancelled")
def tender_cancelled(sender, *, tender_id: int, event: str, **kwargs) -> None:
    """A cancelled tender: its bidders are told."""
    if event != "cancelled":
        return
    outbox_enqueue(
        handler=bidders_cancelled_deliver,
        payload={"tender_id": tender_id},
        key=f"bids:bidders-cancelled:{tender_id}",
    )


@receiver(tender_changed, dispatch_uid="bids.tender_amended")
def tender_amended(sender, *, tender_id: int, event: str, version: int = 0, **kwargs) -> None:
    """An amendment or a new deadline or opening date: bidders are told."""
    if event not in {"amended", "deadline_extended"}:
        return
    outbox_enqueue(
        handler=bidders_changed_deliver,
        payload={"tender_id": tender_id, "event": event, "version": version},
        key=f"bids:bidders-changed:{tender_id}:v{version}:{event}",
    )


@outbox_handler
def bidders_cancelled_deliver(*, tender_id: int) -> None:
    bidders_notify_cancelled(tender_id=tender_id)


@outbox_handler
def bidders_changed_deliver(*, tender_id: int, event: str, version: int) -> None:
    bidders_notify_changed(tender_id=tender_id, event=event, version=version)
