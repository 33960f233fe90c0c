"""A supplier's capability profile: what it does, where, how big, and who to contact.

Company facts are not personal data; the contact person is, and can be exported and erased
(erasure anonymises the row and keeps the organisation's record).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.i18n import in_active_language

from .classification import CpvCode, IndustryCode
from .organisations import Organisation
from .places import County, Municipality


class EmployeeBand(models.TextChoices):
    """Head count bands that follow the EU SME thresholds (Recommendation 2003/361/EC)."""

    UNDER_10 = "1-9", _("1–9 employees")
    UNDER_50 = "10-49", _("10–49 employees")
    UNDER_250 = "50-249", _("50–249 employees")
    OVER_250 = "250+", _("250 or more employees")


class TurnoverBand(models.TextChoices):
    """Annual turnover bands in NOK, approximating the EU's €2m / €10m / €50m limits."""

    UNDER_20M = "0-20m", _("Up to NOK 20 million")
    UNDER_100M = "20-100m", _("NOK 20–100 million")
    UNDER_500M = "100-500m", _("NOK 100–500 million")
    OVER_500M = "500m+", _("Over NOK 500 million")


class SmeCategory(models.TextChoices):
    MICRO = "micro", _("Micro enterprise")
    SMALL = "small", _("Small enterprise")
    MEDIUM = "medium", _("Medium-sized enterprise")
    LARGE = "large", _("Large enterprise")


# Rank of each band on the SME scale: 0 micro, 1 small, 2 medium, 3 large.
_SME_ORDER = [SmeCategory.MICRO, SmeCategory.SMALL, SmeCategory.MEDIUM, SmeCategory.LARGE]
_EMPLOYEE_RANK = {band: rank for rank, band in enumerate(EmployeeBand)}
_TURNOVER_RANK = {band: rank for rank, band in enumerate(TurnoverBand)}


def derive_sme_category(employee_band: str, turnover_band: str) -> str:
    """The EU SME category from head count and turnover; a firm must be under both limits.

    Unknown when neither band is given; from one band alone when only one is.
    """
    ranks = []
    if employee_band:
        ranks.append(_EMPLOYEE_RANK[EmployeeBand(employee_band)])
    if turnover_band:
        ranks.append(_TURNOVER_RANK[TurnoverBand(turnover_band)])
    if not ranks:
        return ""
    return _SME_ORDER[max(ranks)].value


MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 40


def clean_keywords(values) -> list[str]:
    """Keywords trimmed, empty ones dropped, duplicates (ignoring case) removed, order kept.

    Raises ``ValidationError`` for more than ``MAX_KEYWORDS`` or one longer than
    ``MAX_KEYWORD_LENGTH`` characters. The profile form and ``SupplierProfile.clean()`` share it.
    """
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise ValidationError(_("Keywords must be a list of words."), code="keywords_invalid")
    keywords: list[str] = []
    seen: set[str] = set()
    for value in values:
        keyword = " ".join(value.split())
        if keyword and keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            keywords.append(keyword)
    too_long = [keyword for keyword in keywords if len(keyword) > MAX_KEYWORD_LENGTH]
    if too_long:
        raise ValidationError(
            _("Each keyword can have at most %(limit)d characters: %(keyword)s"),
            code="keyword_too_long",
            params={"limit": MAX_KEYWORD_LENGTH, "keyword": too_long[0]},
        )
    if len(keywords) > MAX_KEYWORDS:
        raise ValidationError(
            _("Give at most %(limit)d keywords (you gave %(count)d)."),
            code="too_many_keywords",
            params={"limit": MAX_KEYWORDS, "count": len(keywords)},
        )
    return keywords


def validate_not_future_year(year: int | None) -> None:
    if year is not None and year > timezone.localdate().year:
        raise ValidationError(
            _("The year cannot be later than this year (%(year)d)."),
            code="future_year",
            params={"year": timezone.localdate().year},
        )


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    STARTUP = "startup", _("Startup (under 5 years)")
    SCALEUP = "scaleup", _("Scale-up")
    ESTABLISHED = "established", _("Established small or medium business")
    LARGE = "large", _("Large company")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    BUYERS = "buyers", _("Only signed-in buyers")


class ValueBand(models.TextChoices):
    UNDER_100K = "0-100k", _("Under NOK 100,000")
    UNDER_1_3M = "100k-1.3m", _("NOK 100,000–1.3 million")
    UNDER_2_3M = "1.3m-2.3m", _("NOK 1.3–2.3 million")
    UNDER_10M = "2.3m-10m", _("NOK 2.3–10 million")
    OVER_10M = "10m+", _("Over NOK 10 million")


class Certification(models.Model):
    """A certification a firm can hold (ISO 9001, ISO 14001, Miljøfyrtårn …)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_nb = models.CharField(_("name (Bokmål)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["name_nb"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_active_language(self.name_nb, self.name_en)


class SupplierProfileQuerySet(models.QuerySet):
    def published(self) -> SupplierProfileQuerySet:
        return self.filter(is_published=True, organisation__kind=Organisation.Kind.SUPPLIER)


class SupplierProfile(models.Model):
    """What a supplier organisation can do, edited by its members."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("organisation"),
        limit_choices_to={"kind": Organisation.Kind.SUPPLIER},
    )
    is_published = models.BooleanField(
        _("listed in the public directory"),
        default=False,
        help_text=_("Unlisted profiles are seen only by the organisation's members."),
    )
    description_nb = models.TextField(_("description (Bokmål)"), blank=True, max_length=5000)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=5000)
    cpv_codes = models.ManyToManyField(
        CpvCode, blank=True, related_name="supplier_profiles", verbose_name=_("capabilities (CPV)")
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    industry_code = models.ForeignKey(
        IndustryCode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("industry code (SN2007)"),
    )
    # Where the firm is.
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    postal_place = models.CharField(_("postal place"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    # Where it delivers.
    delivers_nationwide = models.BooleanField(_("delivers in the whole country"), default=False)
    delivery_counties = models.ManyToManyField(
        County, blank=True, related_name="+", verbose_name=_("delivers in whole counties")
    )
    delivery_municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("delivers in municipalities")
    )
    # Size and stage.
    employee_band = models.CharField(
        _("employees"), max_length=10, choices=EmployeeBand.choices, blank=True
    )
    turnover_band = models.CharField(
        _("annual turnover"), max_length=10, choices=TurnoverBand.choices, blank=True
    )
    sme_category = models.CharField(
        _("SME category"),
        max_length=10,
        choices=SmeCategory.choices,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Derived from employees and turnover."),
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True, validators=[MinValueValidator(1800)]
    )
    # Credentials.
    certifications = models.ManyToManyField(
        Certification, blank=True, related_name="profiles", verbose_name=_("certifications")
    )
    other_certifications = models.CharField(_("other certifications"), max_length=300, blank=True)
    technology_readiness_level = models.PositiveSmallIntegerField(
        _("technology readiness level (TRL)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("1 (basic principles observed) to 9 (proven in operation)."),
    )
    open_to_pilots = models.BooleanField(_("interested in pilots"), default=False)
    interested_in_test_arenas = models.BooleanField(_("interested in test arenas"), default=False)
    # What only buyers see.
    size_visibility = models.CharField(
        _("who sees size and turnover"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    references_visibility = models.CharField(
        _("who sees references"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.BUYERS,
    )
    contact_visibility = models.CharField(
        _("who sees the contact person"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SupplierProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("supplier profile")
        verbose_name_plural = _("supplier profiles")
        ordering = ["organisation__name"]
        indexes = [models.Index(fields=["is_published", "stage"])]

    def __str__(self) -> str:
        return str(self.organisation)

    def save(self, *args, **kwargs):
        self.sme_category = derive_sme_category(self.employee_band, self.turnover_band)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"employee_band", "turnover_band"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "sme_category"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, ValidationError] = {}
        try:
            validate_not_future_year(self.founded_year)
        except ValidationError as exc:
            errors["founded_year"] = exc
        try:
            self.keywords = clean_keywords(self.keywords)
        except ValidationError as exc:
            errors["keywords"] = exc
        if errors:
            raise ValidationError(errors)

    def policy_scope(self):
        return self.organisation, None

    @property
    def description(self) -> str:
        return in_active_language(self.description_nb, self.description_en)


class SupplierReference(models.Model):
    """An earlier contract the supplier can point to."""

    profile = models.ForeignKey(
        SupplierProfile,
        on_delete=models.CASCADE,
        related_name="references",
        verbose_name=_("profile"),
    )
    customer = models.CharField(_("customer"), max_length=200)
    public_sector = models.BooleanField(_("public-sector customer"), default=False)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1900)])
    value_band = models.CharField(
        _("contract value"), max_length=10, choices=ValueBand.choices, blank=True
    )
    description = models.TextField(_("what was delivered"), max_length=2000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        ordering = ["-year", "customer"]

    def __str__(self) -> str:
        return f"{self.customer} ({self.year})"

    def clean(self) -> None:
        super().clean()
        try:
            validate_not_future_year(self.year)
        except ValidationError as exc:
            raise ValidationError({"year": exc}) from exc

    def policy_scope(self):
        return self.profile.organisation, None


class ContactPerson(models.Model):
    """The profile's public contact person. Personal data: exportable and erasable.

    Erasure blanks the personal fields and stamps ``anonymised_at``; the row stays so the
    organisation's history is whole.
    """

    profile = models.OneToOneField(
        SupplierProfile,
        on_delete=models.CASCADE,
        related_name="contact",
        verbose_name=_("profile"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_roles",
        verbose_name=_("user account"),
        help_text=_("The person, if they have an account; they can then export and erase it."),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name or str(_("(erased)"))

    def policy_scope(self):
        return self.profile.organisation, None

    PERSONAL_FIELDS = ("name", "title", "email", "phone")

    def personal_data(self) -> dict[str, str]:
        return {field: getattr(self, field) for field in self.PERSONAL_FIELDS}

    def anonymise(self) -> None:
        """Blank the personal fields (the caller saves and audits)."""
        for field in self.PERSONAL_FIELDS:
            setattr(self, field, "")
        self.user = None
        self.anonymised_at = timezone.now()
