"""Tenders ("konkurranser") with lots, criteria, requirements, documents and amendments.

Deadlines are stored in UTC (Django's aware datetimes) and always shown in Europe/Oslo time.
A tender is either our own (a buyer in this marketplace wrote it) or external (imported from
Doffin: read-only, linking out, the buyer known only by name and organisation number).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.clamd import ScanStatus
from marketplace.clamd import is_available as is_scan_available
from marketplace.models import CpvCode, Municipality, Organisation, OrganisationUnit

from ..storage import private_document_storage
from .needs import Need, Theme
from .thresholds import ContractType, ThresholdBand

# ISO 4217 codes as eForms gives them (currencyID="EUR").
CURRENCY_CODE = RegexValidator(
    r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 currency code, such as NOK or EUR.")
)


class Procedure(models.TextChoices):
    OPEN = "open", _("Open procedure")
    RESTRICTED = "restricted", _("Restricted procedure")
    NEGOTIATION = "negotiation", _("Competition with negotiation")
    DIALOGUE = "dialogue", _("Competitive dialogue")
    INNOVATION_PARTNERSHIP = "innovation", _("Innovation partnership")
    PRE_COMMERCIAL = "pcp", _("Pre-commercial procurement")
    SIMPLE = "simple", _("Simple below-threshold competition")


class Source(models.TextChoices):
    OWN = "own", _("Pilotmarked")
    DOFFIN = "doffin", _("Doffin")


class ClimateConsideration(models.TextChoices):
    """How a tender meets the climate and environment duty of the regulations (FOA § 7-9):
    a climate and environment award criterion weighing at least 30 %, requirements in the
    technical specification, or one of the three exemptions (eForms award-criterion-type.no)."""

    CRITERION = "criterion", _("An award criterion for climate and environment")
    SPECIFICATION = "specification", _("Climate and environment in the technical specification")
    EXEMPT_INSIGNIFICANT = (
        "exempt_insignificant",
        _("Exempt: the purchase has insignificant climate and environmental impact"),
    )
    EXEMPT_CRITICAL_INTEREST = (
        "exempt_critical_interest",
        _("Exempt: it would harm important interests of health, safety or preparedness"),
    )
    EXEMPT_NATIONAL_MINIMUM = (
        "exempt_national_minimum",
        _("Exempt: standard national minimum requirements for climate footprint apply"),
    )


class TenderQuerySet(models.QuerySet):
    def public(self) -> TenderQuerySet:
        """Tenders anyone may read: everything but drafts."""
        return self.exclude(status=Tender.Status.DRAFT)

    def own(self) -> TenderQuerySet:
        return self.filter(source=Source.OWN)

    def external(self) -> TenderQuerySet:
        return self.exclude(source=Source.OWN)

    def for_buyer(self, organisation) -> TenderQuerySet:
        return self.filter(buyer=organisation)


class Tender(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Open for bids")
        CLOSED = "closed", _("Deadline passed")
        IN_EVALUATION = "in_evaluation", _("In evaluation")
        AWARDED = "awarded", _("Awarded")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(
        _("reference"), max_length=40, unique=True, help_text=_("For example AFK-2026-0001.")
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.OWN, db_index=True
    )
    external_id = models.CharField(
        _("notice identity at the source"), max_length=200, blank=True, editable=False
    )
    external_url = models.URLField(_("notice at the source"), max_length=500, blank=True)
    # What the source said that has no column of its own (imported tenders only): the kind of
    # notice (eForms notice type such as "cn-standard", or "F02") and every CPV code as given,
    # main first, so codes missing from our CPV table are kept and can be linked later.
    external_notice_type = models.CharField(
        _("notice type at the source"), max_length=40, blank=True, editable=False
    )
    external_cpv_codes = models.JSONField(
        _("CPV codes at the source"), default=list, blank=True, editable=False
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Formatted text; unsafe markup is removed.")
    )
    buyer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tenders",
        verbose_name=_("buyer"),
        limit_choices_to={"kind": Organisation.Kind.BUYER},
    )
    unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tenders",
        verbose_name=_("service area"),
    )
    # External tenders name a buyer that may not be registered here.
    buyer_name = models.CharField(_("buyer name"), max_length=300, blank=True)
    buyer_org_number = models.CharField(_("buyer organisation number"), max_length=9, blank=True)
    need = models.ForeignKey(
        Need,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tenders",
        verbose_name=_("originating need"),
    )
    doffin_reference = models.CharField(_("Doffin reference"), max_length=40, blank=True)
    procedure = models.CharField(_("procedure"), max_length=12, choices=Procedure.choices)
    contract_type = models.CharField(
        _("contract type"),
        max_length=10,
        choices=ContractType.choices,
        default=ContractType.SERVICES,
    )
    estimated_value = models.DecimalField(
        _("estimated value (NOK excl. VAT)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    # Our own tenders are in NOK; an imported notice keeps the currency it gave its value in.
    estimated_value_currency = models.CharField(
        _("currency of the estimated value"),
        max_length=3,
        default="NOK",
        validators=[CURRENCY_CODE],
    )
    threshold_band = models.CharField(
        _("threshold band"),
        max_length=16,
        choices=ThresholdBand.choices,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Derived from the estimated value and the thresholds table."),
    )
    main_cpv = models.ForeignKey(
        CpvCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tenders_main",
        verbose_name=_("main CPV code"),
    )
    additional_cpv = models.ManyToManyField(
        CpvCode,
        blank=True,
        related_name="tenders_additional",
        verbose_name=_("additional CPV codes"),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="tenders", verbose_name=_("themes")
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("place of delivery")
    )
    max_lots_per_bidder = models.PositiveSmallIntegerField(
        _("most lots one bidder may win"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    no_lots_justification = models.TextField(
        _("why the purchase is not divided into lots"),
        blank=True,
        max_length=5000,
        help_text=_("Required above the EEA threshold with a single lot (FOA § 19-4)."),
    )
    joint_bids_allowed = models.BooleanField(_("joint bids allowed"), default=True)
    subcontracting_allowed = models.BooleanField(_("subcontracting allowed"), default=True)
    # Pilots
    is_pilot = models.BooleanField(_("pilot"), default=False)
    pilot_duration_months = models.PositiveSmallIntegerField(
        _("pilot duration (months)"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    pilot_budget = models.DecimalField(
        _("pilot budget (NOK)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    scale_up_option = models.TextField(_("scale-up option"), blank=True, max_length=2000)
    climate_consideration = models.CharField(
        _("climate and environment"),
        max_length=30,
        choices=ClimateConsideration.choices,
        default=ClimateConsideration.CRITERION,
        help_text=_(
            "How the purchase meets the duty to weigh climate and environment (FOA § 7-9)."
        ),
    )
    climate_consideration_note = models.TextField(
        _("climate and environment: how"),
        blank=True,
        max_length=2000,
        help_text=_(
            "What the specification requires, or why the exemption applies. Required unless "
            "an award criterion covers climate and environment."
        ),
    )
    # Deadlines (UTC in the database, Europe/Oslo on screen)
    question_deadline = models.DateTimeField(_("question deadline"), null=True, blank=True)
    submission_deadline = models.DateTimeField(
        _("submission deadline"), null=True, blank=True, db_index=True
    )
    # Lifecycle
    opening_at = models.DateTimeField(
        _("bids opened from"),
        null=True,
        blank=True,
        help_text=_("When the bids may be opened; the submission deadline when left empty."),
    )
    two_person_opening = models.BooleanField(
        _("a second opener must confirm"),
        default=False,
        help_text=_(
            "The bids are opened only when a second person holding the opener role confirms."
        ),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    evaluation_started_at = models.DateTimeField(_("evaluation started at"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)

    objects = TenderQuerySet.as_manager()

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        ordering = ["-published_at", "-created_at"]
        # A list reads one page in its order (tenders.filters.public, the home page's pilots):
        # an index per order, ending in the id that breaks ties, stops after that page instead of
        # sorting every tender (475 ms -> 1 ms at 20,000). Orders with NULLS LAST are indexed on
        # PostgreSQL only (migrations/0003: SQLite has no NULLS LAST index).
        indexes = [
            models.Index(fields=["status", "submission_deadline"]),
            models.Index(fields=["submission_deadline", "id"], name="tender_by_deadline"),
            models.Index(fields=["title", "id"], name="tender_by_title"),
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(is_pilot=True),
                name="tender_pilots_newest",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="own") | Q(buyer__isnull=False),
                name="tender_own_has_buyer",
            ),
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="tender_external_identity_unique",
            ),
            models.CheckConstraint(
                condition=Q(question_deadline__isnull=True)
                | Q(submission_deadline__isnull=True)
                | Q(question_deadline__lte=models.F("submission_deadline")),
                name="tender_questions_close_before_bids",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def clean(self):
        super().clean()
        note_needed = self.climate_consideration != ClimateConsideration.CRITERION
        if note_needed and not self.climate_consideration_note.strip():
            message = _("Say what the specification requires, or why the exemption applies.")
            raise ValidationError({"climate_consideration_note": message})

    def policy_scope(self):
        return self.buyer, self.unit

    @property
    def is_external(self) -> bool:
        return self.source != Source.OWN

    @property
    def opens_at(self):
        """When the bids may be opened: the opening date, never before the submission deadline."""
        if self.submission_deadline is None:
            return None
        if self.opening_at is None:
            return self.submission_deadline
        return max(self.opening_at, self.submission_deadline)

    @property
    def display_buyer(self) -> str:
        if self.buyer_id:
            return self.unit.display_name if self.unit_id else self.buyer.name
        return self.buyer_name


class ReferenceCounter(models.Model):
    """The last number used for a buyer's references in a year (AFK-2026-0001)."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class Lot(models.Model):
    """A part of a tender ("delkontrakt") that can be bid for and won on its own."""

    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="lots", verbose_name=_("tender")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=10000)
    cpv_codes = models.ManyToManyField(
        CpvCode, blank=True, related_name="lots", verbose_name=_("CPV codes")
    )
    estimated_value = models.DecimalField(
        _("estimated value (NOK excl. VAT)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    estimated_value_currency = models.CharField(
        _("currency of the estimated value"),
        max_length=3,
        default="NOK",
        validators=[CURRENCY_CODE],
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("place of delivery")
    )
    suitable_for_smb = models.BooleanField(
        _("suitable for small and medium businesses"), default=False
    )

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="lot_number_per_tender")
        ]

    def __str__(self) -> str:
        return f"{self.tender.reference} lot {self.number}: {self.title}"

    def policy_scope(self):
        return self.tender.policy_scope()


class Criterion(models.Model):
    """An award criterion; a tender's weights sum to 100. Its kind is what eForms calls the
    award-criterion type (climate and environment is Norway's ``quality-nor-env-criteria``)."""

    class Kind(models.TextChoices):
        PRICE = "price", _("Price")
        COST = "cost", _("Cost")
        QUALITY = "quality", _("Quality")
        CLIMATE = "climate", _("Climate and environment")

    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("tender")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.QUALITY)

    class Meta:
        verbose_name = _("award criterion")
        verbose_name_plural = _("award criteria")
        ordering = ["tender", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight} %)"

    @property
    def is_climate(self) -> bool:
        return self.kind == self.Kind.CLIMATE

    def policy_scope(self):
        return self.tender.policy_scope()


class QualificationRequirement(models.Model):
    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("tender")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("requirement"), max_length=2000)
    documentation = models.TextField(_("documentation asked for"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("qualification requirement")
        verbose_name_plural = _("qualification requirements")
        ordering = ["tender", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    def policy_scope(self):
        return self.tender.policy_scope()


def tender_document_path(instance: TenderDocument, filename: str) -> str:
    """Stored under a random name; the original name is kept in the row, never in the path."""
    return f"tenders/{instance.tender_id}/{uuid.uuid4().hex}"


class TenderDocument(models.Model):
    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="documents", verbose_name=_("tender")
    )
    file = models.FileField(
        _("file"),
        upload_to=tender_document_path,
        storage=private_document_storage,
        max_length=300,
    )
    original_name = models.CharField(_("file name"), max_length=255)
    title = models.CharField(_("title"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    # Virus scanning (marketplace/clamd.py): only "unscanned" and "clean" files are available.
    scan_status = models.CharField(
        _("virus scan"),
        max_length=10,
        choices=ScanStatus.choices,
        default=ScanStatus.UNSCANNED,
        db_index=True,
    )
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True, editable=False)
    scan_result = models.CharField(_("scan result"), max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("tender document")
        verbose_name_plural = _("tender documents")
        ordering = ["tender", "uploaded_at"]

    def __str__(self) -> str:
        return self.title or self.original_name

    @property
    def is_available(self) -> bool:
        """Downloadable and submittable: not waiting for, or stopped by, the virus scan."""
        return is_scan_available(self.scan_status)

    def policy_scope(self):
        return self.tender.policy_scope()


class Amendment(models.Model):
    """A change to a published tender: numbered, kept, and announced to followers."""

    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("tender")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    summary = models.TextField(_("what changed and why"), max_length=5000)
    changes = models.JSONField(
        _("changes"), default=dict, help_text=_("Field by field: before and after.")
    )
    is_deadline_extension = models.BooleanField(_("deadline extended"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="amendment_number_per_tender")
        ]

    def __str__(self) -> str:
        return f"{self.tender.reference} amendment {self.number}"

    def policy_scope(self):
        return self.tender.policy_scope()
