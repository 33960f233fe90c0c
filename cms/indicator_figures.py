"""The figures of the follow-up indicators: what an indicator holds, and the share of a count.

Plain values, no database: ``cms.indicators`` computes them, ``cms.indicator_reports`` writes
them (the page, the CSV and the JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from marketplace.i18n import in_active_language


class Kind:
    """How a figure is counted; decides the chart's scale and how values are written."""

    COUNT = "count"
    PERCENT = "percent"
    DAYS = "days"


@dataclass(frozen=True)
class Figure:
    """One number: a count, or a share with the counts it was computed from.

    ``value`` is None when a share has nothing to divide by (no tenders that year): the page
    writes "no data" rather than 0 %.
    """

    value: Decimal | int | None
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class ServiceArea:
    pk: int
    name: str
    name_en: str
    buyer: str

    @property
    def display_name(self) -> str:
        return in_active_language(self.name, self.name_en)


@dataclass(frozen=True)
class Indicator:
    key: str
    title: str
    definition: str
    kind: str
    years: tuple[int, ...]
    available: bool = True
    unavailable_reason: str = ""
    by_year: dict[int, Figure] = field(default_factory=dict)
    # (year, service area pk) → figure; only combinations with data are present.
    by_area: dict[tuple[int, int], Figure] = field(default_factory=dict)
    areas: tuple[ServiceArea, ...] = ()

    def area_figure(self, year: int, area_pk: int) -> Figure:
        empty = Figure(0) if self.kind == Kind.COUNT else Figure(None, 0, 0)
        return self.by_area.get((year, area_pk), empty)


def share(numerator: int, denominator: int) -> Figure:
    """A percentage with one decimal, rounded half up; no value when there is nothing to share."""
    if not denominator:
        return Figure(None, numerator, denominator)
    percent = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return Figure(percent, numerator, denominator)
