"""Periodic clean-up of the database throttle counters (marketplace.throttling)."""

from __future__ import annotations

from celery import shared_task

from marketplace import throttling


@shared_task(name="marketplace.purge_throttle_counters")
def purge_throttle_counters() -> int:
    """Delete the counters whose window has ended; returns how many went."""
    return throttling.purge_expired()
