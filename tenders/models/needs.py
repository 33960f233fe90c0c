"""Needs ("behov"): a service area's problem, put to the market before any tender."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.i18n import in_active_language
from marketplace.models import CpvCode, Municipality, Organisation, OrganisationUnit

from .arenas import TestArena


class Theme(models.Model):
    """A strategic theme (green and circular, digital, health and welfare ...)."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name_nb = models.CharField(_("name (Bokmål)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name_nb"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_active_language(self.name_nb, self.name_en)


class NeedQuerySet(models.QuerySet):
    def public(self) -> NeedQuerySet:
        """Needs anyone may read: open for dialogue, closed, or turned into a tender."""
        return self.exclude(status=Need.Status.DRAFT)

    def for_buyer(self, organisation) -> NeedQuerySet:
        return self.filter(buyer=organisation)


class Need(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for dialogue")
        CLOSED = "closed", _("Dialogue closed")
        TENDERED = "tendered", _("Turned into a tender")

    buyer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="needs",
        verbose_name=_("buyer"),
        limit_choices_to={"kind": Organisation.Kind.BUYER},
    )
    unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.PROTECT,
        related_name="needs",
        verbose_name=_("service area"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=90, unique=True)
    problem = models.TextField(_("problem statement"), max_length=10000)
    desired_outcomes = models.TextField(_("desired outcomes"), max_length=5000, blank=True)
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("municipalities affected")
    )
    cpv_codes = models.ManyToManyField(
        CpvCode, blank=True, related_name="needs", verbose_name=_("CPV codes")
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="needs", verbose_name=_("themes")
    )
    budget_min = models.DecimalField(
        _("budget from (NOK)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    budget_max = models.DecimalField(
        _("budget to (NOK)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    timeline = models.CharField(_("timeline"), max_length=300, blank=True)
    is_pilot_opportunity = models.BooleanField(_("pilot opportunity"), default=False)
    test_arena = models.ForeignKey(
        TestArena,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("test arena offered"),
    )
    test_arena_offer = models.CharField(
        _("what the test arena offers"),
        max_length=300,
        blank=True,
        help_text=_("For example: three upper-secondary schools for six months."),
    )
    dialogue_deadline = models.DateTimeField(_("dialogue closes"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    tendered_at = models.DateTimeField(_("turned into a tender at"), null=True, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_min__lte=models.F("budget_max")),
                name="need_budget_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def policy_scope(self):
        return self.buyer, self.unit


class NeedResponse(models.Model):
    """A supplier's answer to a need: interest only, or a solution sketch only the buyer sees."""

    class Kind(models.TextChoices):
        INTEREST = "interest", _("Interest")
        SKETCH = "sketch", _("Solution sketch")

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="responses", verbose_name=_("need")
    )
    supplier = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="need_responses",
        verbose_name=_("supplier"),
        limit_choices_to={"kind": Organisation.Kind.SUPPLIER},
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sketch = models.TextField(_("solution sketch"), max_length=10000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("response to a need")
        verbose_name_plural = _("responses to needs")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "supplier"], name="need_response_one_per_supplier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.need}"

    def policy_scope(self):
        """A response belongs to the supplier that wrote it; buyers read it through the need."""
        return self.supplier, None


class NeedInvitation(models.Model):
    """The buyer asked a supplier to take part in the dialogue."""

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("need")
    )
    supplier = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="need_invitations",
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
    message = models.TextField(_("message"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("invitation to a need")
        verbose_name_plural = _("invitations to needs")
        constraints = [
            models.UniqueConstraint(fields=["need", "supplier"], name="need_invitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.need} → {self.supplier}"

    def policy_scope(self):
        return self.need.buyer, self.need.unit
