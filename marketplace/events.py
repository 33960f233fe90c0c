"""Domain events of the marketplace, sent after the transaction that caused them commits.

Apps built on the marketplace (search, matching) listen here instead of being imported by it.
Signals are sent with ``sender`` the model class and a primary key, never an instance, so
receivers read fresh rows. A rolled-back transaction sends nothing; a receiver that fails is
logged and does not stop the others (``send_robust``).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# kwargs: profile_id, event ("updated" | "published" | "unpublished")
supplier_profile_changed = Signal()

SUPPLIER_PROFILE_EVENTS = frozenset({"updated", "published", "unpublished"})


def _send(signal: Signal, sender, **kwargs) -> None:
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "receiver %r of %s failed",
                receiver,
                kwargs.get("event"),
                exc_info=(type(result), result, result.__traceback__),
            )


def supplier_profile_event_on_commit(profile, event: str) -> None:
    """Send ``supplier_profile_changed`` for ``profile`` once the current transaction commits."""
    if event not in SUPPLIER_PROFILE_EVENTS:
        raise ValueError(f"unknown supplier profile event {event!r}")
    sender, profile_id = type(profile), profile.pk
    transaction.on_commit(
        lambda: _send(supplier_profile_changed, sender, profile_id=profile_id, event=event)
    )
