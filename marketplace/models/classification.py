"""Classification vocabularies: CPV (what is bought) and SN2007 (what a firm does).

Both are hierarchies keyed by their official codes. CPV codes are eight digits whose significant
prefix names the branch (``72`` division, ``722`` group, ``7221`` class, ``72212`` category), so
"everything under 72000000" is one range scan over the primary key: ``72000000`` ≤ code ≤
``72999999``. No recursion, no loop, one indexed query on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.i18n import in_active_language

CPV_CODE_LENGTH = 8


def cpv_prefix(code: str) -> str:
    """The significant prefix of a CPV code: its digits without the trailing zeros, at least two."""
    stripped = code.rstrip("0")
    return stripped if len(stripped) >= 2 else code[:2]


def cpv_range(code: str) -> tuple[str, str]:
    """The (low, high) primary-key range that holds a code and everything under it."""
    prefix = cpv_prefix(code)
    return prefix.ljust(CPV_CODE_LENGTH, "0"), prefix.ljust(CPV_CODE_LENGTH, "9")


def cpv_under_q(codes: Iterable[str], field: str = "code") -> Q:
    """A ``Q`` matching ``field`` for every code at or below any of ``codes``.

    ``field`` may follow relations (``"cpv_codes__code"``). An empty ``codes`` matches nothing.
    """
    query = Q(pk__in=[])
    for code in codes:
        low, high = cpv_range(code)
        query |= Q(**{f"{field}__range": (low, high)})
    return query


class CpvCodeQuerySet(models.QuerySet):
    def under(self, *codes: str) -> CpvCodeQuerySet:
        """The given codes and all their descendants."""
        return self.filter(cpv_under_q(codes))

    def divisions(self) -> CpvCodeQuerySet:
        return self.filter(level=CpvCode.Level.DIVISION)

    def matching(self, text: str) -> CpvCodeQuerySet:
        """Codes whose number or either label contains ``text`` (the picker's type-ahead)."""
        text = text.strip()
        if not text:
            return self.none()
        digits = text.replace("-", "").replace(" ", "")
        query = Q(name_nb__icontains=text) | Q(name_en__icontains=text)
        if digits.isdigit():
            query |= Q(code__startswith=digits[:CPV_CODE_LENGTH])
        return self.filter(query)


class CpvCode(models.Model):
    """One code of the Common Procurement Vocabulary (CPV 2008 main vocabulary)."""

    class Level(models.TextChoices):
        DIVISION = "division", _("Division")
        GROUP = "group", _("Group")
        CLASS = "class", _("Class")
        CATEGORY = "category", _("Category")

    code = models.CharField(_("code"), max_length=CPV_CODE_LENGTH, primary_key=True)
    check_digit = models.CharField(_("check digit"), max_length=1)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    name_nb = models.CharField(_("name (Bokmål)"), max_length=400)
    name_en = models.CharField(_("name (English)"), max_length=400)

    objects = CpvCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("CPV code")
        verbose_name_plural = _("CPV codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        """The label in the active language (Bokmål unless English is active)."""
        return in_active_language(self.name_nb, self.name_en)

    @property
    def code_with_check_digit(self) -> str:
        return f"{self.code}-{self.check_digit}"

    @property
    def prefix(self) -> str:
        return cpv_prefix(self.code)

    def descendants(self) -> CpvCodeQuerySet:
        """This code's branch without the code itself."""
        return CpvCode.objects.under(self.code).exclude(pk=self.pk)


class IndustryCode(models.Model):
    """A code of the Norwegian standard industrial classification SN2007 (NACE rev. 2).

    Levels: 1 section (letter), 2 division, 3 group, 4 class, 5 subclass (``62.010``).
    """

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.PositiveSmallIntegerField(_("level"), db_index=True)
    name = models.CharField(_("name"), max_length=400)
    short_name = models.CharField(_("short name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("industry code (SN2007)")
        verbose_name_plural = _("industry codes (SN2007)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
