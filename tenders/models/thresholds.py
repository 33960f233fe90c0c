"""Procurement thresholds as data with validity dates, and the band a value falls in.

The values change every two years (they follow the EEA thresholds), so they are rows an
administrator edits, never constants in code. The guide pages show the same rows.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ContractType(models.TextChoices):
    GOODS = "goods", _("Goods")
    SERVICES = "services", _("Services")
    WORKS = "works", _("Works")


# Which contract type a CPV code belongs to, as the eForms SDK's rules BR-BT-00262-0202/0205/0208
# decide for the main code: works are division 45, supplies 0x-3x, 40-44 and 48, services 49
# and 5x-9x. Every CPV code implies exactly one type.
CPV_CONTRACT_TYPES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("45",), "works"),
    (("0", "1", "2", "3", "40", "41", "42", "43", "44", "48"), "goods"),
    (("49", "5", "6", "7", "8", "9"), "services"),
)


def contract_type_for_cpv(code: str) -> str:
    """The contract type (a ``ContractType`` value) a CPV code implies; empty when unknown."""
    code = (code or "").strip()
    for prefixes, contract_type in CPV_CONTRACT_TYPES:
        if code.startswith(prefixes):
            return contract_type
    return ""


def cpv_fits_contract_type(code: str, contract_type: str) -> bool:
    """Whether ``code`` may be the main CPV code of a contract of ``contract_type``."""
    implied = contract_type_for_cpv(code)
    return not implied or not contract_type or implied == contract_type


def cpv_contract_type_message(code: str, contract_type: str) -> str:
    """Why ``code`` cannot be the main CPV code of ``contract_type`` (empty when it can)."""
    if cpv_fits_contract_type(code, contract_type):
        return ""
    labels = dict(ContractType.choices)
    return gettext(
        "The main CPV code %(code)s is a code for %(implied)s, but the contract type is "
        "%(contract_type)s: choose a main CPV code for %(contract_type)s (and give %(code)s as an "
        "additional code), or change the contract type."
    ) % {
        "code": code,
        "implied": str(labels[contract_type_for_cpv(code)]).lower(),
        "contract_type": str(labels.get(contract_type, contract_type)).lower(),
    }


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
