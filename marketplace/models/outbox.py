"""The transactional outbox: work that must happen after a commit and must not be lost.

A service writes an ``OutboxMessage`` in the same transaction as the change it follows (a
deadline extension, a notification to e-mail, a receipt); after the commit the row is handed to
a worker, and a sweeper delivers what the broker missed. ``marketplace.outbox`` does all of it;
this module only holds the row.
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One piece of after-commit work: call the handler named by ``topic`` with ``payload``.

    ``delivery_key`` is unique, so the same work written twice is one row, and a row is
    delivered (``delivered_at``) in the same transaction as its handler's writes: at most once.
    After ``OUTBOX_MAX_ATTEMPTS`` failures it is dead-lettered (``dead_at``) and waits in the
    admin for a person to retry it.
    """

    topic = models.CharField(_("topic"), max_length=200)
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    delivery_key = models.CharField(_("delivery key"), max_length=255, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    dead_at = models.DateTimeField(_("dead-lettered"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(delivered_at__isnull=True, dead_at__isnull=True),
                name="outbox_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} [{self.delivery_key}]"

    @property
    def state(self) -> str:
        if self.delivered_at is not None:
            return "delivered"
        if self.dead_at is not None:
            return "dead"
        return "pending"
