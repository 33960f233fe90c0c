"""Which audit events, notifications and outbox rows the people browsing the admin may see.

Some events would reveal sealed facts by their mere existence: "bid.started by someone@firm on
AFK-2026-0001" tells a superuser who is bidding before the deadline. Apps further up the import
graph (bids) register a filter here that names such events; every place that lists audit events
(the Django admin today) passes its queryset through :func:`visible_events`. The events stay in
the chain — ``verify_audit`` reads them all — they are only kept out of sight until the seal lifts.
Notifications about bids and the outbox rows that deliver bid receipts and bid notifications are
never listed (:func:`hidden_notification_kinds`, :func:`visible_outbox`): their number alone
would count bids or bidders.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from marketplace.models import Notification

_SEALED_FILTERS: list[Callable[[], Q]] = []


def register_sealed_filter(build_q: Callable[[], Q]) -> None:
    """Register a function returning a Q that matches events to hide now (evaluated per call)."""
    if build_q not in _SEALED_FILTERS:
        _SEALED_FILTERS.append(build_q)


def visible_events(queryset: QuerySet) -> QuerySet:
    for build_q in _SEALED_FILTERS:
        queryset = queryset.exclude(build_q())
    return queryset


def hidden_notification_kinds() -> frozenset[str]:
    """Notification kinds the admin never lists: they can name a bidder and a tender."""
    return frozenset({"bids"})


def hidden_outbox_topic_prefixes() -> tuple[str, ...]:
    """Outbox topics the admin never lists: one receipt row per submitted bid would count the
    bids (and show when and by whom they came) before opening. The sweeper still delivers them."""
    return ("bids.",)


def visible_outbox(queryset: QuerySet) -> QuerySet:
    """The outbox rows an administrator may list: not those of a hidden topic, nor the e-mail
    rows of notifications of a hidden kind (a deadline change or a cancellation tells every
    bidder, so their number is the number of bidders). The sweeper still delivers them all."""
    for prefix in hidden_outbox_topic_prefixes():
        queryset = queryset.exclude(topic__startswith=prefix)
    hidden = Notification.objects.filter(kind__in=hidden_notification_kinds()).values("pk")
    return queryset.alias(
        notification=Cast(KeyTextTransform("notification_id", "payload"), BigIntegerField())
    ).filter(Q(notification__isnull=True) | ~Q(notification__in=hidden))
