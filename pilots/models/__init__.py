"""Pilots: an awarded pilot followed through milestones and KPIs to a decision.

A pilot is created from an award decision on a pilot tender. It runs (planned → running →
ended) and ends with a decision: scaled up into a full purchase, continued, or stopped, each with
a reason. The supplier and the buyer both see its timeline (``PilotEntry``); success stories in
the CMS read their facts from here, and the indicators count how many pilots were scaled up.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models import Organisation, OrganisationUnit
from tenders.models import Lot, Tender


class Pilot(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        ENDED = "ended", _("Ended, awaiting decision")
        DECIDED = "decided", _("Decided")

    class Outcome(models.TextChoices):
        SCALED_UP = "scaled_up", _("Scaled up into a full purchase")
        CONTINUED = "continued", _("Continued")
        STOPPED = "stopped", _("Stopped")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    tender = models.ForeignKey(
        Tender, on_delete=models.PROTECT, related_name="pilots", verbose_name=_("tender")
    )
    lot = models.ForeignKey(
        Lot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pilots",
        verbose_name=_("lot"),
    )
    award = models.OneToOneField(
        "bids.AwardDecision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pilot",
        verbose_name=_("award decision"),
    )
    supplier = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="pilots",
        verbose_name=_("supplier"),
        limit_choices_to={"kind": Organisation.Kind.SUPPLIER},
    )
    buyer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="buyer_pilots",
        verbose_name=_("buyer"),
        limit_choices_to={"kind": Organisation.Kind.BUYER},
    )
    unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pilots",
        verbose_name=_("buyer unit"),
    )
    budget_owner = models.CharField(
        _("budget owner"),
        max_length=200,
        help_text=_("The person or role who owns the pilot's budget, e.g. “Head of Roads”."),
    )
    budget = models.DecimalField(
        _("budget (NOK, excl. VAT)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("reason for the decision"), max_length=5000, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    follow_on_tender = models.ForeignKey(
        Tender,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scaled_from_pilots",
        verbose_name=_("full purchase (follow-on tender)"),
    )
    contract_value = models.DecimalField(
        _("value of the full purchase (NOK, excl. VAT)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="decided") & ~Q(outcome=""))
                | (~Q(status="decided") & Q(outcome="")),
                name="pilot_outcome_iff_decided",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="pilot_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def policy_scope(self):
        return self.buyer, self.unit

    @property
    def duration_days(self) -> int | None:
        if self.starts_on and self.ends_on:
            return (self.ends_on - self.starts_on).days
        return None


class Milestone(models.Model):
    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("pilot")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["pilot", "order", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def policy_scope(self):
        return self.pilot.policy_scope()


class Kpi(models.Model):
    """A key performance indicator: a target and the latest measured value."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("pilot")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(
        _("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=4)
    measured = models.DecimalField(
        _("measured"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    measured_on = models.DateField(_("measured on"), null=True, blank=True)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["pilot", "order", "pk"]

    def __str__(self) -> str:
        return self.name

    def policy_scope(self):
        return self.pilot.policy_scope()

    @property
    def achieved(self) -> bool | None:
        """Whether the measured value reaches the target; None before a measurement."""
        if self.measured is None:
            return None
        if self.direction == self.Direction.LOWER:
            return self.measured <= self.target
        return self.measured >= self.target


class PilotEntry(models.Model):
    """One line of the pilot's timeline, seen by the supplier and the buyer."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Pilot created")
        STATUS = "status", _("Status changed")
        MILESTONE = "milestone", _("Milestone")
        KPI = "kpi", _("KPI measured")
        NOTE = "note", _("Note")
        DECISION = "decision", _("Decision")

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="entries", verbose_name=_("pilot")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("text"), max_length=5000)
    data = models.JSONField(_("data"), default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    author_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["pilot", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"

    def policy_scope(self):
        return self.pilot.policy_scope()
