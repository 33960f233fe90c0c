"""Reads about notifications: a person's inbox, their preferences, what the digest owes."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet

from marketplace.models import Frequency, Notification, NotificationKind, NotificationPreference


def notifications_for(user) -> QuerySet[Notification]:
    """The person's own notifications, newest first. Anyone else's are simply not in it."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    """How many notifications the person has not opened (0 for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def frequencies_for(user) -> dict[str, str]:
    """The person's e-mail frequency for every kind; kinds without a row are sent at once."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))
    return {
        kind.value: chosen.get(kind.value, Frequency.INSTANT.value) for kind in NotificationKind
    }


def frequency_for(user, kind: str) -> str:
    chosen = (
        NotificationPreference.objects.filter(user=user, kind=kind)
        .values_list("frequency", flat=True)
        .first()
    )
    return chosen or Frequency.INSTANT.value


def frequencies_of(user_ids, kind: str) -> dict[int, str]:
    """``frequency_for`` for many people at once: ``{user id: frequency}`` for one kind."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "frequency"
        )
    )
    return {pk: chosen.get(pk, Frequency.INSTANT.value) for pk in user_ids}


def can_receive_email(user) -> bool:
    """Inactive and anonymised people get no e-mail at all."""
    return bool(user.is_active and user.anonymised_at is None and user.email)


def digest_due(*, before: datetime) -> QuerySet[Notification]:
    """Notifications waiting for a daily digest, made before ``before``.

    Only those planned for the digest when they were made, not yet e-mailed, to people who can
    receive e-mail and who have not since turned that kind off.
    """
    turned_off = NotificationPreference.objects.filter(
        user=OuterRef("recipient"), kind=OuterRef("kind"), frequency=Frequency.OFF
    )
    return Notification.objects.filter(
        delivery=Frequency.DAILY,
        emailed_at__isnull=True,
        created_at__lt=before,
        recipient__is_active=True,
        recipient__anonymised_at__isnull=True,
    ).exclude(Exists(turned_off))


def digest_recipient_ids(*, before: datetime) -> list[int]:
    """The people who are owed a digest, each once."""
    return sorted(set(digest_due(before=before).values_list("recipient_id", flat=True)))
