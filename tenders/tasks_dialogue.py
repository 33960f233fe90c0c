"""Background work for the dialogue: telling followers what happened."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="tenders.notify_followers", acks_late=True, max_retries=3)
def notify_followers(
    *, event: str, tender_id: int | None, need_id: int | None, key: str, context: dict
) -> int:
    """Load the tender or need and notify its followers. Safe to run twice: each follower's
    notification is keyed on the event, so a repeat stores and sends nothing more."""
    from tenders.services.follows import followers_notify_now

    return followers_notify_now(
        event=event, tender_id=tender_id, need_id=need_id, key=key, context=context
    )
