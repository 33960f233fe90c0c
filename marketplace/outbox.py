"""The transactional outbox: after-commit work that a broker or cache outage cannot lose.

Write side: ``outbox_enqueue(handler=..., payload=..., key=...)`` inside the service's
transaction writes one ``OutboxMessage`` (unique ``delivery_key``: the same work enqueued twice is
one row) and, once the transaction commits, dispatches it best-effort: to Celery when a broker is
configured, in-process in the embedded default. A dispatch that fails (broker down, handler
error) is logged and never reaches the request that committed, nor the other on-commit hooks.

Read side: ``outbox_deliver`` locks the row, runs its handler and marks it delivered in ONE
transaction, so a handler's writes (a notification, an e-mail recorded as sent) and the
"delivered" mark commit together: a redelivered or swept message does nothing twice. A handler
that raises is rolled back, the row gets ``attempts + 1``, ``last_error`` and a backed-off
``next_attempt_at``; after ``OUTBOX_MAX_ATTEMPTS`` it is dead-lettered (``dead_at``) and listed
in the admin, where the site administrator can retry it (``outbox_retry``).

``outbox_sweep`` (Celery beat every minute, and ``manage.py outbox_sweep``) delivers every
pending row whose ``next_attempt_at`` has passed; a fresh row waits ``OUTBOX_SWEEP_AFTER_SECONDS``
first, the time its own dispatch has to deliver it.

Handlers are plain functions taking the payload as keyword arguments, marked with
``@outbox_handler``; a row's topic is the handler's dotted path, so a worker finds it without a
registry and the base layer imports nothing from the apps built on it.
"""

from __future__ import annotations

import datetime
import logging
import traceback
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from marketplace.models import OutboxMessage
from marketplace.task_names import task_named

logger = logging.getLogger(__name__)

_MARK = "_outbox_handler"


def outbox_handler(func: Callable) -> Callable:
    """Mark ``func`` as an outbox handler: only marked functions are ever called by topic."""
    setattr(func, _MARK, True)
    return func


def topic_for(handler: Callable) -> str:
    if not getattr(handler, _MARK, False):
        raise ValueError(f"{handler!r} is not marked with @outbox_handler")
    return f"{handler.__module__}.{handler.__qualname__}"


# Rows outlive deploys: a topic (and a domain event's signal path) written before a module was
# renamed names the old module. Each rename adds its old dotted module here (issue 19).
MOVED_MODULES = {
    "marketplace.events": "marketplace.domain_events",
    "tenders.events": "tenders.domain_events",
}


def import_persisted(path: str):
    """``import_string`` for a dotted path stored in a row, following ``MOVED_MODULES`` when the
    path's module no longer exists."""
    try:
        return import_string(path)
    except ImportError:
        module, _, name = path.rpartition(".")
        if module not in MOVED_MODULES:
            raise
        return import_string(f"{MOVED_MODULES[module]}.{name}")


def _handler(topic: str) -> Callable:
    handler = import_persisted(topic)
    if not getattr(handler, _MARK, False):
        raise ValueError(f"{topic} is not an outbox handler")
    return handler


# --- Write side ---------------------------------------------------------------------------------


def outbox_enqueue(*, handler: Callable, payload: dict, key: str | None = None) -> OutboxMessage:
    """Write the outbox row in the current transaction; dispatch it once that commits.

    ``key`` names the work (``"bids:receipt:<bid>"``): enqueuing the same key again returns the
    existing row and dispatches nothing more. Without a key every call is its own message.
    """
    topic = topic_for(handler)
    key = key or f"{topic}:{uuid.uuid4().hex}"
    now = timezone.now()
    message = OutboxMessage(
        topic=topic,
        payload=payload,
        delivery_key=key,
        created_at=now,
        next_attempt_at=now + datetime.timedelta(seconds=settings.OUTBOX_SWEEP_AFTER_SECONDS),
    )
    try:
        with transaction.atomic():  # a savepoint: a duplicate key must not spoil the caller's work
            message.save(force_insert=True)
    except IntegrityError:
        return OutboxMessage.objects.get(delivery_key=key)
    pk = message.pk
    transaction.on_commit(lambda: outbox_dispatch(pk), robust=True)
    return message


def outbox_dispatch(message_id: int) -> None:
    """Hand one committed row to a worker (or deliver it here in the embedded default).

    Best-effort and isolated: whatever fails is logged and left to the sweeper. This runs as an
    on-commit hook, after the user's change is committed; an exception here would turn a saved
    change into an error page and stop the hooks after it, so none escapes.
    """
    try:
        deliver_outbox_message = task_named("marketplace.deliver_outbox_message")  # .tasks
        if deliver_outbox_message.app.conf.task_always_eager:
            outbox_deliver(message_id=message_id)
            return
        # retry=False: with the broker down, fail at once instead of holding the request.
        deliver_outbox_message.apply_async((message_id,), retry=False)
    except Exception:
        logger.warning(
            "Outbox message %s not dispatched; the sweeper will deliver it",
            message_id,
            exc_info=True,
        )


# --- Read side ----------------------------------------------------------------------------------


def _backoff(attempts: int) -> datetime.timedelta:
    """30 s, 1 min, 2 min, … capped at an hour."""
    return datetime.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def outbox_deliver(*, message_id: int, now: datetime.datetime | None = None) -> bool:
    """Run one message's handler and mark it delivered, in one transaction. Returns whether it
    was delivered now (False: already delivered, dead, being delivered by someone else, or its
    handler failed and it was scheduled again or dead-lettered)."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, delivered_at=None, dead_at=None)
            .first()
        )
        if message is None:
            return False
        now = now or timezone.now()
        message.attempts += 1
        try:
            with transaction.atomic():  # the handler's writes roll back alone when it fails
                _handler(message.topic)(**message.payload)
        except Exception as error:  # noqa: BLE001 — recorded on the row, retried, dead-lettered
            _failed(message, error, now=now)
            return False
        message.delivered_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "delivered_at", "last_error"])
        return True


def _failed(message: OutboxMessage, error: Exception, *, now: datetime.datetime) -> None:
    message.last_error = "".join(traceback.format_exception(error))[-4000:]
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        message.dead_at = now
        logger.error(
            "Outbox message %s (%s) dead-lettered after %s attempts: %s",
            message.pk,
            message.topic,
            message.attempts,
            error,
        )
    else:
        message.next_attempt_at = now + _backoff(message.attempts)
        logger.warning(
            "Outbox message %s (%s) failed (attempt %s), retried from %s: %s",
            message.pk,
            message.topic,
            message.attempts,
            message.next_attempt_at.isoformat(),
            error,
        )
    message.save(update_fields=["attempts", "last_error", "dead_at", "next_attempt_at"])


def outbox_sweep(*, now: datetime.datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Deliver, here and now, the pending rows whose time has come (oldest first). Returns how
    many were due and how many were delivered."""
    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(delivered_at=None, dead_at=None, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    delivered = sum(outbox_deliver(message_id=pk, now=now) for pk in due)
    return {"due": len(due), "delivered": delivered}


@transaction.atomic
def outbox_retry(*, messages: Iterable[OutboxMessage]) -> int:
    """Give dead-lettered (or waiting) rows a fresh start and dispatch them on commit. Returns
    how many were reset; delivered rows are left alone."""
    ids = [message.pk for message in messages]
    pending = OutboxMessage.objects.filter(pk__in=ids, delivered_at=None)
    reset = list(pending.values_list("pk", flat=True))
    pending.update(dead_at=None, attempts=0, next_attempt_at=timezone.now(), last_error="")
    for pk in reset:
        transaction.on_commit(lambda pk=pk: outbox_dispatch(pk), robust=True)
    return len(reset)
