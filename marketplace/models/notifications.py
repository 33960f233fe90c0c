"""What the site tells a person: an in-site inbox, e-mail in their language, preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """Every kind of message the site sends. Later features add their kinds here."""

    INVITATION = "invitation", _("Invitations to organisations")
    ACCESS_REQUEST = "access_request", _("Requests to join your organisation")
    MEMBERSHIP = "membership", _("Changes to your memberships")
    FOLLOWED_UPDATES = "followed_updates", _("Amendments, answers and deadlines on what you follow")
    DIALOGUE_INVITATION = "dialogue_invitation", _("Invitations to market dialogue and tenders")
    BUYER_ACTIVITY = "buyer_activity", _("Questions and responses to your needs and tenders")
    BIDS = "bids", _("Your bids: receipts, joint-bid invitations, openings and award letters")
    PILOTS = "pilots", _("Pilots you take part in: milestones, measurements and decisions")
    SEARCH_ALERTS = "search_alerts", _("New needs and tenders that match your searches")
    SYSTEM = "system", _("Service messages")


class Frequency(models.TextChoices):
    INSTANT = "instant", _("At once")
    DAILY = "daily", _("Daily digest")
    OFF = "off", _("Off")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    # Idempotency: the same key for the same person is stored (and e-mailed) once.
    key = models.CharField(_("key"), max_length=200)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # How the e-mail was planned when the notification was made (the person's preference then):
    # at once, in the next daily digest, or not at all. A later switch from "off" to "daily"
    # must not mail out the old notifications that were never meant to be e-mailed.
    delivery = models.CharField(
        _("e-mail delivery"), max_length=10, choices=Frequency.choices, default=Frequency.OFF
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_key_once")
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The daily digest looks only for notifications still waiting for it.
            models.Index(
                fields=["recipient"],
                name="notification_digest_due",
                condition=models.Q(delivery=Frequency.DAILY, emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    frequency = models.CharField(
        _("e-mail"), max_length=10, choices=Frequency.choices, default=Frequency.INSTANT
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.frequency}"
