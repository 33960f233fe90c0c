"""How indicators are shown and downloaded: values as text, summaries, SVG bar charts, CSV/JSON.

Everything here is pure: it takes :class:`cms.indicator_figures.Indicator` objects and returns
strings, dictionaries and chart geometry for the templates. Nothing queries the database.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cms.indicator_figures import Figure, Indicator, Kind

CSV_COLUMNS = [
    "indicator",
    "title",
    "year",
    "service_area_id",
    "service_area",
    "buyer",
    "status",
    "value",
    "numerator",
    "denominator",
    "unit",
]
UNITS = {Kind.COUNT: "count", Kind.PERCENT: "percent", Kind.DAYS: "days"}


# --- Values as text --------------------------------------------------------------------------


def format_value(indicator: Indicator, figure: Figure) -> str:
    if figure.value is None:
        return _("no data")
    if indicator.kind == Kind.PERCENT:
        return _("%(percent)s %%") % {"percent": number_format(figure.value, decimal_pos=1)}
    if indicator.kind == Kind.DAYS:
        return ngettext("%(days)s day", "%(days)s days", int(figure.value)) % {
            "days": number_format(figure.value)
        }
    return number_format(figure.value)


def format_detail(indicator: Indicator, figure: Figure) -> str:
    """For shares: "3 of 4"; empty for counts."""
    if indicator.kind != Kind.PERCENT or figure.denominator is None:
        return ""
    return _("%(part)s of %(whole)s") % {
        "part": number_format(figure.numerator),
        "whole": number_format(figure.denominator),
    }


def summary(indicator: Indicator) -> str:
    """One or two sentences a screen-reader user gets instead of looking at the chart."""
    if not indicator.available:
        return str(indicator.unavailable_reason)
    year = indicator.years[-1]
    figure = indicator.by_year[year]
    text = _("%(title)s in %(year)s: %(value)s.") % {
        "title": indicator.title,
        "year": year,
        "value": format_value(indicator, figure),
    }
    if len(indicator.years) > 1:
        previous = indicator.years[-2]
        text += " " + _("In %(year)s: %(value)s.") % {
            "year": previous,
            "value": format_value(indicator, indicator.by_year[previous]),
        }
    leader = _leading_area(indicator, year)
    if leader is not None:
        area, area_figure = leader
        text += " " + _("Highest service area in %(year)s: %(area)s (%(value)s).") % {
            "year": year,
            "area": area.display_name,
            "value": format_value(indicator, area_figure),
        }
    return text


def _leading_area(indicator: Indicator, year: int):
    candidates = [
        (area, indicator.by_area[(year, area.pk)])
        for area in indicator.areas
        if (year, area.pk) in indicator.by_area
        and indicator.by_area[(year, area.pk)].value is not None
    ]
    if len(candidates) < 2:
        return None
    return max(candidates, key=lambda pair: pair[1].value)


# --- Chart -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    has_value: bool


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    baseline: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]

    @property
    def tick_x(self) -> int:
        """Where the right-aligned y-axis labels end."""
        return self.plot_left - TICK_GAP


def _nice_max(value: float) -> float:
    """1, 2, 5 × 10ⁿ at or above ``value`` (at least 1), so ticks fall on round numbers."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


# The tick labels' font is 13 px (static/css/site.css, .indicator-chart__tick); a digit, space or
# sign of the system sans-serif fonts is at most ~0.62 em wide. TICK_GAP is the template's offset.
TICK_CHAR_WIDTH = 13 * 0.62
TICK_GAP = 6


def bar_chart(indicator: Indicator, *, width: int = 640, height: int = 240) -> BarChart:
    """Vertical bars, one per year, with the value written above each bar."""
    values = [indicator.by_year[year].value for year in indicator.years]
    if indicator.kind == Kind.PERCENT:
        top_value: float = 100
    else:
        top_value = _nice_max(float(max((v for v in values if v is not None), default=0)))
    tick_labels = [
        (fraction, format_value(indicator, Figure(_tick_value(top_value * fraction))))
        for fraction in (0, 0.5, 1)
    ]
    # The y-axis labels are right-aligned 6 px left of the plot: leave room for the widest one
    # ("100,0 %" was clipped to "00,0 %" with a fixed 48 px margin).
    widest = max(len(label) for _fraction, label in tick_labels)
    left = max(48, math.ceil(widest * TICK_CHAR_WIDTH) + TICK_GAP + 4)
    right, top, bottom = 16, 24, 32
    plot_width = width - left - right
    plot_height = height - top - bottom
    slot = plot_width / max(len(values), 1)
    bar_width = min(slot * 0.6, 72)
    baseline = top + plot_height
    bars = []
    for index, (year, value) in enumerate(zip(indicator.years, values, strict=True)):
        bar_height = 0.0 if value is None else plot_height * float(value) / top_value
        x = left + index * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                label=str(year),
                value_text=format_value(indicator, indicator.by_year[year]),
                x=round(x, 1),
                y=round(baseline - bar_height, 1),
                width=round(bar_width, 1),
                height=round(bar_height, 1),
                label_x=round(x + bar_width / 2, 1),
                has_value=value is not None,
            )
        )
    ticks = tuple(
        Tick(y=round(baseline - plot_height * fraction, 1), label=label)
        for fraction, label in tick_labels
    )
    return BarChart(
        width=width,
        height=height,
        plot_left=left,
        plot_right=width - right,
        baseline=baseline,
        bars=tuple(bars),
        ticks=ticks,
    )


def _tick_value(value: float) -> Decimal | int:
    return int(value) if float(value).is_integer() else Decimal(str(value))


# --- Downloads -------------------------------------------------------------------------------


def rows(indicators: list[Indicator]) -> list[dict]:
    """One row per indicator, year and service area ("all" for the year's total)."""
    out = []
    for indicator in indicators:
        for year in indicator.years:
            if not indicator.available:
                out.append(_row(indicator, year, None, None))
                continue
            out.append(_row(indicator, year, None, indicator.by_year[year]))
            for area in indicator.areas:
                out.append(_row(indicator, year, area, indicator.area_figure(year, area.pk)))
    return out


def _row(indicator: Indicator, year: int, area, figure: Figure | None) -> dict:
    if figure is None:
        status = "not_yet_available"
    elif figure.value is None:
        status = "no_data"
    else:
        status = "ok"
    return {
        "indicator": indicator.key,
        "title": str(indicator.title),
        "year": year,
        "service_area_id": area.pk if area else "all",
        "service_area": area.display_name if area else _("All service areas"),
        "buyer": area.buyer if area else "",
        "status": status,
        "value": None if figure is None or figure.value is None else figure.value,
        "numerator": None if figure is None else figure.numerator,
        "denominator": None if figure is None else figure.denominator,
        "unit": UNITS[indicator.kind],
    }


def to_csv(indicators: list[Indicator]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows(indicators):
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return buffer.getvalue()


def _json_number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_json(indicators: list[Indicator]) -> dict:
    return {
        "indicators": [
            {
                "key": indicator.key,
                "title": str(indicator.title),
                "definition": str(indicator.definition),
                "unit": UNITS[indicator.kind],
                "available": indicator.available,
                "unavailable_reason": str(indicator.unavailable_reason) or None,
                "years": list(indicator.years),
                "figures": [
                    {key: _json_number(value) for key, value in row.items() if key != "title"}
                    for row in rows([indicator])
                    if indicator.available
                ],
            }
            for indicator in indicators
        ]
    }
