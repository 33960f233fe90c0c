"""Personal API tokens and the database side of throttle counters.

:class:`PersonalApiToken`: a person creates one in the web UI (after TOTP where their role
requires it) to call ``/api/`` from a script. Only a SHA-256 of the secret is stored; the secret
is shown once. Each token carries named scopes, an expiry, and can be revoked; requests with a
revoked or expired token get 401 (marketplace.api.auth).

:class:`ThrottleCounter`: fixed-window counts kept in the database while the cache is down
(marketplace.throttling); keys are hashes, never addresses or e-mail addresses. Rows past their
window are purged every 15 minutes.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenScope(models.TextChoices):
    """What a token may read. Every API view names the scope it needs."""

    READ = "read", _("Read public data: tenders, suppliers, CPV codes")
    BIDS_READ = "bids:read", _("Read the opened bids of tenders you work on")


def token_digest(secret: str) -> str:
    """Tokens are 256-bit random strings, so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(secret.encode()).hexdigest()


class PersonalApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class PersonalApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="personal_api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the secret, shown in the list so a person can tell tokens apart.
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_with_mfa = models.BooleanField(_("created after two-factor authentication"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = PersonalApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("personal API token")
        verbose_name_plural = _("personal API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class ThrottleCounter(models.Model):
    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="throttle_counter_one_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.window_start:%H:%M}: {self.count}"
