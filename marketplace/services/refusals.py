"""Refused access, aggregated: probing cannot grow the audit chain without bound (ADR 0013).

:func:`audit_refusal` is what callers use instead of ``audit_record`` for a refusal. The first
refusal of a kind (the action) from one address and user opens a window
(``AUDIT_REFUSAL_WINDOW_SECONDS``): it becomes a :class:`RefusalTally` row *and* one audit event.
Every later refusal of the same key inside the window only adds one to the tally's count. When a
window has closed with more than one refusal, one summary event (``audit.refusal_summary``, with
the count and first and last times) goes into the chain — at the next refusal of the same key or
when :func:`refusals_summarise` runs (``manage.py summarise_refusals``), whichever comes first,
and never twice. So N probes in one window cost at most two chain rows, and the site
administrator sees the full count on the tally (Django admin, "Refused-access tallies").

The tally holds the client's IP address; the chain never does. :func:`refusal_tallies_prune`
deletes tallies older than ``AUDIT_REFUSAL_RETENTION_DAYS`` once they are summarised.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from marketplace.models.audit import RefusalTally
from marketplace.request_context import current_client_address
from marketplace.services.audit import actor_kind, audit_record, lock_chain

SUMMARY_ACTION = "audit.refusal_summary"


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.AUDIT_REFUSAL_WINDOW_SECONDS)


def _summarise(tally: RefusalTally, now: dt.datetime) -> None:
    """One summary event for a closed window with repeats (the first is in the chain already)."""
    audit_record(
        actor=tally.actor if tally.actor_id else None,
        action=SUMMARY_ACTION,
        organisation=tally.organisation_id,
        after={
            "refused_action": tally.action,
            "count": tally.count,
            "first_seen_at": tally.first_seen_at,
            "last_seen_at": tally.last_seen_at,
            "refusal_tally_id": tally.pk,
            "first_event_id": tally.opened_event_id,
        },
    )
    RefusalTally.objects.filter(pk=tally.pk).update(summarised_at=now)


def _closed_unsummarised(now: dt.datetime):
    return RefusalTally.objects.filter(
        summarised_at__isnull=True, first_seen_at__lte=now - _window()
    ).select_related("actor")


@transaction.atomic
def audit_refusal(
    *,
    actor,
    action: str,
    obj: Any = None,
    organisation=None,
    after: dict | None = None,
) -> RefusalTally:
    """Count one refused attempt; append an audit event only when it opens a window.

    ``actor`` is the person refused (None or anonymous for nobody logged in); the address is the
    current request's. Runs in its own transaction when called outside one, so the refusal is
    kept although the request is refused.
    """
    lock_chain()  # one writer at a time decides whether a window is open
    now = timezone.now()
    address = current_client_address() or None
    user = actor if getattr(actor, "is_authenticated", False) else None
    key = RefusalTally.objects.filter(action=action, address=address, actor=user)
    open_tally = key.filter(first_seen_at__gt=now - _window()).order_by("-first_seen_at").first()
    if open_tally is not None:
        RefusalTally.objects.filter(pk=open_tally.pk).update(count=F("count") + 1, last_seen_at=now)
        open_tally.refresh_from_db(fields=["count", "last_seen_at"])
        return open_tally
    for closed in _closed_unsummarised(now).filter(pk__in=key.values("pk"), count__gt=1):
        _summarise(closed, now)
    event = audit_record(
        actor=actor, action=action, obj=obj, organisation=organisation, after=after
    )
    tally = RefusalTally.objects.create(
        action=action,
        address=address,
        actor=user,
        actor_label=actor_kind(actor),
        organisation_id=event.organisation_id,
        first_seen_at=now,
        last_seen_at=now,
        count=1,
        opened_event_id=event.pk,
    )
    return tally


@transaction.atomic
def refusals_summarise(*, now: dt.datetime | None = None) -> int:
    """Write the summary of every closed window with repeats; mark single refusals done.

    Idempotent: a window is summarised once. Returns the number of summary events written.
    """
    lock_chain()
    now = now or timezone.now()
    closed = _closed_unsummarised(now)
    closed.filter(count__lte=1).update(summarised_at=now)
    written = 0
    for tally in closed.filter(count__gt=1).order_by("first_seen_at", "pk"):
        _summarise(tally, now)
        written += 1
    return written


@transaction.atomic
def refusal_tallies_prune(*, now: dt.datetime | None = None) -> int:
    """Delete summarised tallies (and the IP addresses they hold) past the retention period."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.AUDIT_REFUSAL_RETENTION_DAYS)
    deleted, _per_model = RefusalTally.objects.filter(
        summarised_at__isnull=False, last_seen_at__lt=cutoff
    ).delete()
    return deleted
