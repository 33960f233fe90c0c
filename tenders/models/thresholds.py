"""Procurement thresholds as data with validity dates, and the band a value falls in.

The values change every two years (they follow the EEA thresholds), so they are rows an
administrator edits, never constants in code. The guide pages show the same rows.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ContractType(models.TextChoices):
    GOODS = "goods", _("Goods")
    SERVICES = "services", _("Services")
    WORKS = "works", _("Works")


class ThresholdBand(models.TextChoices):
    """Which rules apply (Norwegian public procurement regulations, FOA)."""

    EXEMPT = "exempt", _("Below NOK 100,000 (outside the regulations)")
    BELOW_NATIONAL = "below_national", _("Below the national threshold (FOA part I)")
    NATIONAL = "national", _("National threshold (FOA part II)")
    EEA = "eea", _("EEA threshold (FOA part III)")


class ThresholdQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> ThresholdQuerySet:
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Threshold(models.Model):
    """The limits for one kind of contract in one period (NOK excluding VAT)."""

    contract_type = models.CharField(
        _("contract type"), max_length=10, choices=ContractType.choices
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    regulated_from = models.DecimalField(
        _("regulations apply from"), max_digits=14, decimal_places=0
    )
    national = models.DecimalField(_("national threshold"), max_digits=14, decimal_places=0)
    eea = models.DecimalField(_("EEA threshold"), max_digits=14, decimal_places=0)

    objects = ThresholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        ordering = ["-valid_from", "contract_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract_type", "valid_from"], name="threshold_one_per_type_and_start"
            ),
            models.CheckConstraint(
                condition=Q(regulated_from__lte=models.F("national"))
                & Q(national__lte=models.F("eea")),
                name="threshold_limits_ascending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_contract_type_display()} {self.valid_from:%Y-%m-%d}"

    def band_for(self, value: Decimal) -> str:
        if value >= self.eea:
            return ThresholdBand.EEA
        if value >= self.national:
            return ThresholdBand.NATIONAL
        if value >= self.regulated_from:
            return ThresholdBand.BELOW_NATIONAL
        return ThresholdBand.EXEMPT


def threshold_band(value: Decimal | None, contract_type: str, day: datetime.date) -> str:
    """The band of an estimated value on a day; empty when the value or the table is missing."""
    if value is None:
        return ""
    threshold = (
        Threshold.objects.valid_on(day).filter(contract_type=contract_type).order_by("-valid_from")
    ).first()
    return threshold.band_for(value) if threshold else ""
