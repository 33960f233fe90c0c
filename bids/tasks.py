"""Celery tasks of the bids app. Each takes primary keys, loads, and calls one service."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    name="bids.notify_bidders_cancelled",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def notify_bidders_cancelled(tender_id: int) -> int:
    """Tell the bidders of a cancelled tender. Idempotent (notification keys)."""
    from bids.services.award import bidders_notify_cancelled

    return bidders_notify_cancelled(tender_id=tender_id)


@shared_task(
    name="bids.notify_bidders_changed",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def notify_bidders_changed(tender_id: int, event: str, version: int) -> int:
    """Tell the bidders of an amended tender or a moved deadline. Idempotent (notification keys)."""
    from bids.services.award import bidders_notify_changed

    return bidders_notify_changed(tender_id=tender_id, event=event, version=version)
