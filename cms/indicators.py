"""The strategy's follow-up indicators (section 7), computed from the marketplace's own data.

Pure functions over the database: each takes the years to report on and returns an
:class:`Indicator` with one figure per year and one per year and service area. A figure whose
data the marketplace does not hold is returned as *not yet available* (``available=False``) —
never as zero — so the page, the CSV and the JSON can say so honestly. Pilots are read here
directly (the CMS is the top layer); bids and award decisions only through ``bids.public``, which
sees nothing of a tender whose bids are still sealed: while a tender is open for bids these
figures do not move, and they count its bids once the opening service has run.

Years are calendar years in Europe/Oslo time (a tender published at 00:30 Oslo time on 1 January
counts for the new year). "Service area" is the buyer's unit (``OrganisationUnit``).
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Value
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bids import public
from cms.indicator_figures import Figure, Indicator, Kind, ServiceArea, share
from marketplace.formatting import OSLO
from marketplace.models import OrganisationUnit
from pilots.models import Pilot
from tenders.models import Lot, Need, Source, Tender

# --- Years -----------------------------------------------------------------------------------


def oslo_year(moment: datetime.datetime) -> int:
    return timezone.localtime(moment, OSLO).year


def report_years(*, today: datetime.date | None = None) -> tuple[int, ...]:
    """From the first year anything was published to this year (Oslo), oldest first."""
    this_year = today.year if today else oslo_year(timezone.now())
    firsts = [
        _published_needs().order_by("published_at").values_list("published_at", flat=True).first(),
        _published_tenders()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first(),
    ]
    first = min((oslo_year(moment) for moment in firsts if moment), default=this_year)
    return tuple(range(min(first, this_year), this_year + 1))


# --- What counts -----------------------------------------------------------------------------


def _published_needs():
    """Needs put to the market: every status but draft, with a publication time."""
    return Need.objects.exclude(status=Need.Status.DRAFT).filter(published_at__isnull=False)


def _published_tenders():
    """The county's own tenders that were published (later cancelled ones included).

    Imported Doffin notices are left out: they are other buyers' tenders, not ours to count.
    """
    return (
        Tender.objects.filter(source=Source.OWN)
        .exclude(status=Tender.Status.DRAFT)
        .filter(published_at__isnull=False)
    )


def _year_area_rows(queryset, years: Sequence[int]):
    """(year, unit id, extra...) rows of a queryset with ``published_at`` and ``unit``."""
    return queryset.annotate(year=ExtractYear("published_at", tzinfo=OSLO)).filter(year__in=years)


def _areas(unit_ids: Iterable[int | None]) -> tuple[ServiceArea, ...]:
    ids = {pk for pk in unit_ids if pk is not None}
    units = OrganisationUnit.objects.filter(pk__in=ids).select_related("organisation")
    return tuple(
        ServiceArea(pk=unit.pk, name=unit.name, name_en=unit.name_en, buyer=unit.organisation.name)
        for unit in sorted(units, key=lambda unit: (unit.organisation.name, unit.name, unit.pk))
    )


def _year_counts(queryset, years: Sequence[int], **extra) -> dict[int, dict]:
    """Counts per year counted by the database (no rows per tender or need), for figures
    without a breakdown by service area: ``{year: {"total": n, **extra}}``."""
    rows = (
        _year_area_rows(queryset, years)
        .order_by()
        .values("year")
        .annotate(total=Count("pk"), **extra)
    )
    counts = {year: dict.fromkeys(["total", *extra], 0) for year in years}
    for row in rows:
        counts[row.pop("year")] = row
    return counts


def _counts(rows, years: Sequence[int]) -> tuple[dict, dict, set]:
    by_year: dict[int, int] = dict.fromkeys(years, 0)
    by_area: dict[tuple[int, int], int] = defaultdict(int)
    unit_ids: set[int] = set()
    for year, unit_id in rows:
        by_year[year] += 1
        if unit_id is not None:
            by_area[(year, unit_id)] += 1
            unit_ids.add(unit_id)
    return by_year, by_area, unit_ids


# --- Indicators from data that exists --------------------------------------------------------


def needs_published(
    years: Sequence[int], *, areas: bool = True, counts: dict | None = None
) -> Indicator:
    """``areas=False``: the yearly figures only (the home page's), counted in the database, or
    taken from ``counts`` (``headline_counts``)."""
    if areas:
        rows = _year_area_rows(_published_needs(), years).values_list("year", "unit_id")
        by_year, by_area, unit_ids = _counts(rows, years)
    else:
        counts = counts or _year_counts(_published_needs(), years)
        by_year, by_area, unit_ids = {y: c["total"] for y, c in counts.items()}, {}, set()
    return Indicator(
        key="needs_published",
        title=_("Needs published"),
        definition=_(
            "Needs a service area put to the market for dialogue, counted in the year they were "
            "first published (Oslo time). Needs still in draft are not counted; needs later "
            "closed or turned into a tender are."
        ),
        kind=Kind.COUNT,
        years=tuple(years),
        by_year={year: Figure(count) for year, count in by_year.items()},
        by_area={key: Figure(count) for key, count in by_area.items()},
        areas=_areas(unit_ids),
    )


def tenders_published(
    years: Sequence[int], *, areas: bool = True, counts: dict | None = None
) -> Indicator:
    """``areas=False``: the yearly figures only (the home page's), counted in the database, or
    taken from ``counts`` (``headline_counts``)."""
    if areas:
        rows = _year_area_rows(_published_tenders(), years).values_list("year", "unit_id")
        by_year, by_area, unit_ids = _counts(rows, years)
    else:
        counts = counts or _year_counts(_published_tenders(), years)
        by_year, by_area, unit_ids = {y: c["total"] for y, c in counts.items()}, {}, set()
    return Indicator(
        key="tenders_published",
        title=_("Tenders published"),
        definition=_(
            "Tenders the county published in Pilotmarked, counted in the year they were "
            "published (Oslo time), including tenders later cancelled. Notices imported from "
            "Doffin are not counted."
        ),
        kind=Kind.COUNT,
        years=tuple(years),
        by_year={year: Figure(count) for year, count in by_year.items()},
        by_area={key: Figure(count) for key, count in by_area.items()},
        areas=_areas(unit_ids),
    )


def _smb_lot():
    return Lot.objects.filter(tender=OuterRef("pk"), suitable_for_smb=True)


def smb_lot_share(
    years: Sequence[int], *, areas: bool = True, counts: dict | None = None
) -> Indicator:
    """``areas=False``: the yearly figures only (the home page's), counted in the database, or
    taken from ``counts`` (``headline_counts``)."""
    smb_lot = _smb_lot()
    area_counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    if not areas:
        counts = counts or _year_counts(
            _published_tenders(), years, smb=Count("pk", filter=Q(Exists(smb_lot)))
        )
        totals = {year: [c["smb"], c["total"]] for year, c in counts.items()}
        rows = ()
    else:
        rows = (
            _year_area_rows(_published_tenders(), years)
            .annotate(has_smb_lot=Exists(smb_lot))
            .values_list("year", "unit_id", "has_smb_lot")
        )
        totals = {year: [0, 0] for year in years}
    for year, unit_id, has_smb_lot in rows:
        totals[year][0] += int(has_smb_lot)
        totals[year][1] += 1
        if unit_id is not None:
            area_counts[(year, unit_id)][0] += int(has_smb_lot)
            area_counts[(year, unit_id)][1] += 1
    return Indicator(
        key="smb_lot_share",
        title=_("Share of tenders with lots suitable for SMBs"),
        definition=_(
            "Of the tenders published in the year (as counted above), the percentage with at "
            "least one lot the buyer marked as suitable for small and medium-sized businesses. "
            "Rounded to one decimal."
        ),
        kind=Kind.PERCENT,
        years=tuple(years),
        by_year={year: share(*counts) for year, counts in totals.items()},
        by_area={key: share(*counts) for key, counts in area_counts.items()},
        areas=_areas(unit_id for _year, unit_id in area_counts),
    )


# --- Indicators from bids, awards and pilots --------------------------------------------------

SME_CATEGORIES = ("micro", "small", "medium")
STARTUP_STAGE = "startup"
# Kartverket's number of Akershus county since 2024 (marketplace.demo.data.AKERSHUS).
AKERSHUS_COUNTY = "32"


def _in_group(group: str, sme_category, stage, county) -> bool:
    if group == "smb":
        return sme_category in SME_CATEGORIES
    if group == "startup":
        return stage == STARTUP_STAGE
    return county == AKERSHUS_COUNTY


def _group_share(rows, years: Sequence[int], group: str) -> tuple[dict, dict, set]:
    """Shares from (year, unit id, sme_category, stage, county number) rows."""
    totals: dict[int, list[int]] = {year: [0, 0] for year in years}
    areas: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for year, unit_id, sme_category, stage, county in rows:
        hit = int(_in_group(group, sme_category, stage, county))
        totals[year][0] += hit
        totals[year][1] += 1
        if unit_id is not None:
            areas[(year, unit_id)][0] += hit
            areas[(year, unit_id)][1] += 1
    return totals, areas, {unit_id for _year, unit_id in areas}


def _profile_columns(supplier: str) -> tuple[str, str, str]:
    return (
        f"{supplier}__profile__sme_category",
        f"{supplier}__profile__stage",
        f"{supplier}__profile__municipality__county__number",
    )


def _submitted_bids():
    """Bids in force on the county's tenders whose bids have been opened.

    The submitted version of each supplier's bid: a bid replaced by a newer version or withdrawn
    is not counted; a joint bid counts for its lead supplier. A sealed bid is not counted at all.
    """
    return public.opened_bids().filter(tender__source=Source.OWN)


def _active_awards():
    """Award decisions in force (one per lot); withdrawn decisions are not counted."""
    return public.active_award_decisions().filter(tender__source=Source.OWN)


@dataclass(frozen=True)
class _Share:
    """What a group's share of bids or of awards is counted from."""

    rows: Callable
    dated_by: str  # the time stamp whose Oslo year counts
    supplier: str  # the path from a row to the supplier organisation
    title: object
    definition: object


_SHARES = {
    "bids": _Share(
        rows=_submitted_bids,
        dated_by="submitted_at",
        supplier="supplier",
        title=_("Share of bids from %(group)s"),
        definition=_(
            "Of all bids submitted in the year (Oslo time) to the county's tenders — the latest "
            "submitted version of each supplier's bid, withdrawn and replaced versions left "
            "out, a joint bid counted for its lead supplier — the percentage submitted by "
            "%(group)s. %(definition)s A firm without a profile is counted only in the total. "
            "Bids are sealed until the tender's bids are opened after the deadline: a bid is "
            "counted only from then on, in the year it was submitted."
        ),
    ),
    "awards": _Share(
        rows=_active_awards,
        dated_by="decided_at",
        supplier="bid__supplier",
        title=_("Share of awards to %(group)s"),
        definition=_(
            "Of all award decisions in force made in the year (Oslo time), one per lot and "
            "withdrawn decisions left out, the percentage won by %(group)s. %(definition)s "
            "A firm without a profile is counted only in the total."
        ),
    ),
}


def group_share(years: Sequence[int], *, of: str, group: str) -> Indicator:
    """The share of bids (``of="bids"``) or of award decisions (``of="awards"``) that went to
    ``group`` (a key of ``_GROUPS``), per year and service area."""
    spec = _SHARES[of]
    title, definition = _GROUPS[group]
    rows = (
        spec.rows()
        .annotate(year=ExtractYear(spec.dated_by, tzinfo=OSLO))
        .filter(year__in=years)
        .values_list("year", "tender__unit_id", *_profile_columns(spec.supplier))
    )
    totals, areas, unit_ids = _group_share(rows, years, group)
    return Indicator(
        key=f"{of}_share_{group}",
        title=spec.title % {"group": title},
        definition=spec.definition % {"group": title, "definition": definition},
        kind=Kind.PERCENT,
        years=tuple(years),
        by_year={year: share(*counts) for year, counts in totals.items()},
        by_area={key: share(*counts) for key, counts in areas.items()},
        areas=_areas(unit_ids),
    )


def _count_indicator(key: str, title, definition, rows, years: Sequence[int]) -> Indicator:
    by_year, by_area, unit_ids = _counts(rows, years)
    return Indicator(
        key=key,
        title=title,
        definition=definition,
        kind=Kind.COUNT,
        years=tuple(years),
        by_year={year: Figure(count) for year, count in by_year.items()},
        by_area={key_: Figure(count) for key_, count in by_area.items()},
        areas=_areas(unit_ids),
    )


def pilots_started(years: Sequence[int]) -> Indicator:
    rows = (
        Pilot.objects.exclude(status=Pilot.Status.PLANNED)
        .filter(starts_on__isnull=False)
        .annotate(year=ExtractYear("starts_on"))
        .filter(year__in=years)
        .values_list("year", "unit_id")
    )
    return _count_indicator(
        "pilots_started",
        _("Pilots started"),
        _(
            "Pilots that have started (running, ended or decided), counted in the year of their "
            "start date. Pilots still being planned are not counted."
        ),
        rows,
        years,
    )


def pilots_scaled_up(years: Sequence[int]) -> Indicator:
    rows = (
        Pilot.objects.filter(status=Pilot.Status.DECIDED, outcome=Pilot.Outcome.SCALED_UP)
        .filter(decided_at__isnull=False)
        .annotate(year=ExtractYear("decided_at", tzinfo=OSLO))
        .filter(year__in=years)
        .values_list("year", "unit_id")
    )
    return _count_indicator(
        "pilots_scaled_up",
        _("Pilots scaled up"),
        _(
            "Pilots whose decision was to scale up into a full purchase, counted in the year of "
            "the decision (Oslo time)."
        ),
        rows,
        years,
    )


def _median(values: list[int]) -> Figure:
    if not values:
        return Figure(None)
    return Figure(Decimal(str(statistics.median(values))).quantize(Decimal("0.1")))


def median_days_need_to_contract(years: Sequence[int]) -> Indicator:
    rows = (
        _active_awards()
        .filter(contract_signed_at__isnull=False, tender__need__published_at__isnull=False)
        .values_list("contract_signed_at", "tender__need__published_at", "tender__unit_id")
    )
    wanted = set(years)
    by_year: dict[int, list[int]] = {year: [] for year in years}
    by_area: dict[tuple[int, int], list[int]] = defaultdict(list)
    for signed_at, published_at, unit_id in rows:
        signed = timezone.localtime(signed_at, OSLO).date()
        if signed.year not in wanted:
            continue
        days = (signed - timezone.localtime(published_at, OSLO).date()).days
        by_year[signed.year].append(days)
        if unit_id is not None:
            by_area[(signed.year, unit_id)].append(days)
    return Indicator(
        key="median_days_need_to_contract",
        title=_("Median days from need to contract"),
        definition=_(
            "For contracts signed in the year (Oslo time) under an award decision in force, on a "
            "tender made from a published need: the median number of calendar days from the "
            "day the need was published to the day the contract was signed (Oslo dates). "
            "Contracts without a need are not counted."
        ),
        kind=Kind.DAYS,
        years=tuple(years),
        by_year={year: _median(values) for year, values in by_year.items()},
        by_area={key: _median(values) for key, values in by_area.items()},
        areas=_areas(unit_id for _year, unit_id in by_area),
    )


_GROUPS = {
    "smb": (
        _("small and medium-sized businesses"),
        _("A firm is an SMB when its profile's SME category is micro, small or medium."),
    ),
    "startup": (
        _("startups"),
        _("A startup is a firm whose profile gives its stage as startup (under five years)."),
    ),
    "akershus": (
        _("firms based in Akershus"),
        _(
            "A firm is based in Akershus when the municipality of its business address, as "
            "given in its profile, is in Akershus county."
        ),
    ),
}


# --- All of them -----------------------------------------------------------------------------

INDICATORS: tuple[Callable[[Sequence[int]], Indicator], ...] = (
    needs_published,
    tenders_published,
    smb_lot_share,
    *(
        (lambda years, of=of, group=group: group_share(years, of=of, group=group))
        for of in _SHARES
        for group in _GROUPS
    ),
    pilots_started,
    pilots_scaled_up,
    median_days_need_to_contract,
)


def all_indicators(years: Sequence[int] | None = None) -> list[Indicator]:
    years = tuple(years) if years else report_years()
    return [compute(years) for compute in INDICATORS]


def headline_counts(year: int) -> dict[str, dict[int, dict[str, int]]]:
    """What the three headline figures count, in one query: ``{"needs": {year: {"total": n}},
    "tenders": {year: {"total": n, "smb": m}}}`` (plain numbers, so they can be cached)."""
    what = {"needs": 0, "tenders": 1}
    none = Value(0, output_field=IntegerField())
    needs = (
        _year_area_rows(_published_needs(), [year])
        .order_by()
        .values("year")
        .annotate(what=Value(what["needs"]), total=Count("pk"), smb=none)
    )
    tenders = (
        _year_area_rows(_published_tenders(), [year])
        .order_by()
        .values("year")
        .annotate(
            what=Value(what["tenders"]),
            total=Count("pk"),
            smb=Count("pk", filter=Q(Exists(_smb_lot()))),
        )
    )
    counts = {
        "needs": {year: {"total": 0}},
        "tenders": {year: {"total": 0, "smb": 0}},
    }
    for row in needs.union(tenders, all=True):
        name = "needs" if row["what"] == what["needs"] else "tenders"
        counts[name][year] = {key: row[key] for key in counts[name][year]}
    return counts


def headline_indicators(
    year: int | None = None, *, counts: dict | None = None
) -> list[tuple[Indicator, Figure]]:
    """Three figures for the home page: this year's needs, tenders and SMB-lot share, from
    ``counts`` (``headline_counts(year)``, read when not given)."""
    year = year or oslo_year(timezone.now())
    counts = counts or headline_counts(year)
    return [
        (indicator, indicator.by_year[year])
        for indicator in (
            needs_published([year], areas=False, counts=counts["needs"]),
            tenders_published([year], areas=False, counts=counts["tenders"]),
            smb_lot_share([year], areas=False, counts=counts["tenders"]),
        )
    ]
