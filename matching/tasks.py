"""Celery tasks of matching: fan out alerts, deliver them, sweep what a lost broker left.

Each takes keys, loads, and calls one service; the services make a rerun send nothing twice.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import OperationalError as DatabaseError
from kombu.exceptions import OperationalError

from matching import percolator_index
from matching.models import AlertFanout, SavedSearch
from matching.services import alerts

logger = logging.getLogger(__name__)

_RETRY = {
    "autoretry_for": (DatabaseError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(name="matching.fan_out_alerts", **_RETRY)
def fan_out_alerts(fanout_id: int) -> int:
    count = alerts.alert_fanout_run(fanout_id=fanout_id)
    fanout = AlertFanout.objects.get(pk=fanout_id)
    deliver_alerts.delay(fanout.kind, fanout.object_id, fanout.version)
    return count


@shared_task(name="matching.deliver_alerts", **_RETRY)
def deliver_alerts(kind: str, object_id: int, version: str) -> int:
    """Deliver one batch, then send the task for the next one: a chain that ends when a batch
    comes up short. Killed midway, the batch rolls back and the unacknowledged task comes back
    (acks_late); a chain the broker lost is started again by the sweeper."""
    limit = settings.ALERT_DELIVERY_BATCH
    taken = alerts.alerts_deliver(kind=kind, object_id=object_id, version=version, limit=limit)
    if taken >= limit:
        try:
            deliver_alerts.delay(kind, object_id, version)
        except OperationalError:
            logger.warning(
                "broker unreachable; alerts of %s %s left to the sweeper", kind, object_id
            )
    return taken


@shared_task(name="matching.sweep_alerts")
def sweep_alerts() -> dict[str, int]:
    """Run by Celery beat: re-send open fan-outs and undelivered alerts."""
    return alerts.alerts_sweep()


@shared_task(
    name="matching.percolator_sync",
    **{**_RETRY, "autoretry_for": (DatabaseError, OSError, RuntimeError)},
)
def percolator_sync(search_ids: list[int]) -> int:
    """Store (or drop) these saved searches in the Elasticsearch percolator index."""
    if not percolator_index.uses_percolator():
        return 0
    present = list(SavedSearch.objects.filter(pk__in=search_ids))
    for missing in set(search_ids) - {search.pk for search in present}:
        percolator_index.remove_search(missing)
    return percolator_index.index_searches(present)
