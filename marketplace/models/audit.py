"""Append-only audit history, chained by hash, and the tally of refused access beside it.

Each event stores the SHA-256 of the previous event. Changing or removing a row breaks the chain,
which ``manage.py verify_audit`` detects; database triggers refuse UPDATE and DELETE.

The chain names people by user id only (``actor_id``; ``actor_label`` says only "user", "system"
or "anonymous"), never by e-mail, name or IP address: erasing a person's contact data leaves
nothing personal in it, and pages resolve the id to the person's current name when they show an
event (:meth:`AuditEvent.actor_display`). See docs/adr/0013-audit-chain-holds-no-personal-data.md.

:class:`RefusalTally` is not part of the chain: repeated refusals of one kind from one address
(and user) within ``AUDIT_REFUSAL_WINDOW_SECONDS`` add to its count instead of appending events,
and its rows (which hold the IP address) are pruned after ``AUDIT_REFUSAL_RETENTION_DAYS``.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("actor"),
    )
    # Only the kind of actor ("user", "system", "anonymous"): who it was is ``actor_id``.
    actor_label = models.CharField(_("actor label"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    # Unique: each event has exactly one successor, so the chain cannot fork.
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_repr}"

    def actor_display(self) -> str:
        """Who acted, resolved now: the person's current name, "erased user #id" after erasure."""
        return actor_display(self.actor_label, self.actor_id, self.actor)

    def payload(self) -> dict:
        """The fields the hash covers, in a canonical form."""
        return {
            "occurred_at": self.occurred_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "organisation_id": self.organisation_id,
            "before": self.before,
            "after": self.after,
            "request_id": self.request_id,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(
            self.payload(), cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


ACTOR_USER, ACTOR_SYSTEM, ACTOR_ANONYMOUS = "user", "system", "anonymous"


def actor_display(kind: str, user_id: int | None, user) -> str:
    """A label for an event's (or tally's) actor from what the database holds today."""
    if user_id is None:
        return str(_("system")) if kind == ACTOR_SYSTEM else str(_("anonymous"))
    if user is None:
        return str(_("deleted user #%(id)s") % {"id": user_id})
    if getattr(user, "anonymised_at", None) is not None:
        return str(_("erased user #%(id)s") % {"id": user_id})
    return f"{user} (#{user_id})"


class RefusalTally(models.Model):
    """Refused attempts of one kind from one address (and user) within one window.

    The first refusal of a window is an audit event (``opened_event_id``); later ones only add
    to ``count``. When the window has closed and more than one came, one summary event with the
    count goes into the chain (``summarised_at``). Not hash-chained, so it may be pruned.
    """

    action = models.CharField(_("action"), max_length=100)
    address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor label"), max_length=20, blank=True)
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"))
    last_seen_at = models.DateTimeField(_("last seen"))
    count = models.PositiveIntegerField(_("count"), default=1)
    opened_event_id = models.BigIntegerField(_("first audit event"), null=True, blank=True)
    summarised_at = models.DateTimeField(_("summarised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refused-access tally")
        verbose_name_plural = _("refused-access tallies")
        ordering = ["-last_seen_at"]
        indexes = [models.Index(fields=["action", "address", "actor", "first_seen_at"])]

    def __str__(self) -> str:
        return f"{self.action} ×{self.count}"

    def actor_display(self) -> str:
        return actor_display(self.actor_label, self.actor_id, self.actor)
