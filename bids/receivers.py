"""Reactions to tender events (``tenders.events``), sent after the tender's change commits."""

from __future__ import annotations

from django.dispatch import receiver

from tenders.events import tender_changed


@receiver(tender_changed, dispatch_uid="bids.tender_cancelled")
def tender_cancelled(sender, *, tender_id: int, event: str, **kwargs) -> None:
    """A cancelled tender: its bidders are told, by a task."""
    if event != "cancelled":
        return
    from bids.tasks import notify_bidders_cancelled

    notify_bidders_cancelled.delay(tender_id)


@receiver(tender_changed, dispatch_uid="bids.tender_amended")
def tender_amended(sender, *, tender_id: int, event: str, version: int = 0, **kwargs) -> None:
    """An amendment or a new deadline or opening date: bidders are told, by a task."""
    if event not in {"amended", "deadline_extended"}:
        return
    from bids.tasks import notify_bidders_changed

    notify_bidders_changed.delay(tender_id, event, version)
