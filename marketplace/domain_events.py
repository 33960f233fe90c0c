"""Domain events, sent after the transaction that caused them commits: the one path for every app.

Apps built on the marketplace (search, matching, bids) listen to signals declared here and in
``tenders.domain_events`` instead of being imported by them. An event is written as an outbox row
(``marketplace.outbox``) in the transaction of the change, so a broker outage or a crash after
the commit loses nothing: the row is delivered after the commit and swept if that fails.

Signals are sent with ``sender`` the model class and a primary key, never an instance, so
receivers read fresh rows. A rolled-back transaction sends nothing. Every receiver is called
(``send_robust``); one that fails is logged and the event is delivered again later (backoff,
then the dead-letter list), so receivers must be idempotent (they are: keys and get-or-create).
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.dispatch import Signal

from marketplace.outbox import import_persisted, outbox_enqueue, outbox_handler

logger = logging.getLogger(__name__)

# kwargs: profile_id, event ("updated" | "published" | "unpublished")
supplier_profile_changed = Signal()

SUPPLIER_PROFILE_EVENTS = frozenset({"updated", "published", "unpublished"})


class ReceiverFailed(Exception):
    """At least one receiver of an event raised; the event is delivered again later."""


def signal_send(signal: Signal, sender, **kwargs) -> None:
    """Call every receiver; log each failure, then raise ``ReceiverFailed`` if there was one."""
    failed = []
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            failed.append(f"{receiver!r}: {result!r}")
            logger.error(
                "receiver %r of %s failed",
                receiver,
                kwargs.get("event"),
                exc_info=(type(result), result, result.__traceback__),
            )
    if failed:
        raise ReceiverFailed("; ".join(failed))


@outbox_handler
def event_deliver(*, signal: str, sender: str, **kwargs) -> None:
    """The outbox handler of every domain event: ``signal`` is the signal's dotted path,
    ``sender`` the model label, the rest the signal's keyword arguments."""
    target = import_persisted(signal)
    if not isinstance(target, Signal):
        raise TypeError(f"{signal} is not a signal")
    signal_send(target, apps.get_model(sender), **kwargs)


def event_on_commit(signal: Signal, instance, **kwargs) -> None:
    """Send ``signal`` for ``instance``'s model with ``kwargs`` after the current transaction
    commits (an outbox row written now). ``signal`` must be a module-level signal."""
    path = _signal_path(signal)
    outbox_enqueue(
        handler=event_deliver,
        payload={"signal": path, "sender": instance._meta.label, **kwargs},
    )


def register_signal(path: str, signal: Signal) -> Signal:
    """Name a module-level signal by its dotted path, so the outbox can find it again."""
    signal.event_path = path
    return signal


def _signal_path(signal: Signal) -> str:
    path = getattr(signal, "event_path", None)
    if path is None:
        raise ValueError(f"{signal!r} is not a registered domain event signal")
    return path


register_signal("marketplace.domain_events.supplier_profile_changed", supplier_profile_changed)


def supplier_profile_event_on_commit(profile, event: str) -> None:
    """Send ``supplier_profile_changed`` for ``profile`` once the current transaction commits."""
    if event not in SUPPLIER_PROFILE_EVENTS:
        raise ValueError(f"unknown supplier profile event {event!r}")
    event_on_commit(supplier_profile_changed, profile, profile_id=profile.pk, event=event)
