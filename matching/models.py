"""Saved searches and their alerts, the fan-out outbox, invitations from a match list, and
suppliers looking for partners on a lot."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models import County, CpvCode, Municipality, Organisation


class SavedSearch(models.Model):
    """What a supplier wants to hear about. ``use_profile`` matches on the organisation's
    profile (its CPV codes and delivery areas) instead of codes and places of its own."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="saved_searches",
        verbose_name=_("supplier"),
        limit_choices_to={"kind": Organisation.Kind.SUPPLIER},
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_searches",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=120)
    text = models.CharField(_("words"), max_length=200, blank=True)
    use_profile = models.BooleanField(_("use our profile's codes and areas"), default=False)
    cpv_codes = models.ManyToManyField(
        CpvCode, blank=True, related_name="+", verbose_name=_("CPV codes")
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("municipalities")
    )
    counties = models.ManyToManyField(
        County, blank=True, related_name="+", verbose_name=_("counties")
    )
    value_min = models.DecimalField(
        _("lowest value (NOK)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    value_max = models.DecimalField(
        _("highest value (NOK)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    smb_lots_only = models.BooleanField(_("only with lots suitable for SMBs"), default=False)
    pilots_only = models.BooleanField(_("only pilots"), default=False)
    is_active = models.BooleanField(_("alerts on"), default=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def policy_scope(self):
        return self.organisation, None


class AlertFanout(models.Model):
    """Outbox row: "this object changed, alert the searches". Written before the task is sent,
    marked done by the task; the sweeper re-sends rows a lost broker left behind."""

    kind = models.CharField(_("kind"), max_length=10)  # "tender" or "need"
    object_id = models.PositiveBigIntegerField(_("object"))
    version = models.CharField(_("version"), max_length=40)
    event = models.CharField(_("event"), max_length=30)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, db_index=True)
    alerts_created = models.PositiveIntegerField(_("alerts created"), default=0)

    class Meta:
        verbose_name = _("alert fan-out")
        verbose_name_plural = _("alert fan-outs")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "version"], name="alert_fanout_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} v{self.version}"


class Alert(models.Model):
    """One saved search matched one version of a need or tender: at most once, by
    ``delivery_key``."""

    saved_search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("search")
    )
    kind = models.CharField(_("kind"), max_length=10)
    object_id = models.PositiveBigIntegerField(_("object"))
    version = models.CharField(_("version"), max_length=40)
    delivery_key = models.CharField(_("delivery key"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("address"), max_length=300)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "object_id"]),
            # Delivery takes the next batch of one version's undelivered alerts, in order; this
            # index holds only those, so a batch costs the same at the end as at the start.
            models.Index(
                fields=["kind", "object_id", "version", "id"],
                name="alert_undelivered",
                condition=models.Q(notified_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.delivery_key

    def policy_scope(self):
        return self.saved_search.organisation, None

    @staticmethod
    def key_for(search_id: int, kind: str, object_id: int, version: str) -> str:
        return f"{search_id}:{kind}:{object_id}:{version}"


class MatchInvitation(models.Model):
    """A buyer invited a matched supplier to look at a tender."""

    tender = models.ForeignKey(
        "tenders.Tender",
        on_delete=models.CASCADE,
        related_name="match_invitations",
        verbose_name=_("tender"),
    )
    supplier = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="match_invitations",
        verbose_name=_("supplier"),
        limit_choices_to={"kind": Organisation.Kind.SUPPLIER},
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    explanation = models.TextField(_("why they match"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("invitation from matching")
        verbose_name_plural = _("invitations from matching")
        constraints = [
            models.UniqueConstraint(fields=["tender", "supplier"], name="match_invitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.tender} → {self.supplier}"

    def policy_scope(self):
        return self.tender.buyer, self.tender.unit


class PartnerInterest(models.Model):
    """A supplier is looking for partners to bid jointly on a lot."""

    lot = models.ForeignKey(
        "tenders.Lot",
        on_delete=models.CASCADE,
        related_name="partner_interests",
        verbose_name=_("lot"),
    )
    supplier = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="partner_interests",
        verbose_name=_("supplier"),
        limit_choices_to={"kind": Organisation.Kind.SUPPLIER},
    )
    note = models.CharField(_("what we bring and what we look for"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("looking for partners")
        verbose_name_plural = _("looking for partners")
        constraints = [
            models.UniqueConstraint(fields=["lot", "supplier"], name="partner_interest_once")
        ]

    def __str__(self) -> str:
        return f"{self.supplier} on {self.lot}"

    def policy_scope(self):
        return self.supplier, None
