"""How many published suppliers could bid on each part of a design, counted in one SQL query.

A *scope* is what one lot (or the whole purchase, or a proposed part) asks for: CPV codes,
places of delivery and an estimated value. For a set of scopes the registry is counted once,
grouped by size and by whether the firm is local, with one aggregate per scope; no firm is
loaded into Python, so the cost does not grow with the registry beyond the index lookups.

The rules, each in one place:

- A firm *covers a code* when it is registered in the same CPV group (three digits) as the code,
  under it, or under a broader code that holds it: the group-level fit partner finding uses
  (``matching.selectors.partners.COVERS_CODE``; see ``matching.scoring.cpv_fit``).
- A firm *reaches a place* the way ``matching.scoring.area_fit`` counts it: it delivers in the
  municipality, in the whole county, nationwide, or is based there.
- A firm *has the size for the value* when its SME category allows it: a buyer may ask for a
  yearly turnover of at most twice the contract's value (FOA § 16-5 (2)), so each category's
  turnover ceiling (the EU limits the categories follow) caps the value it could take on alone.
  A firm that has not stated its size is not excluded.
- A firm *could bid alone* on a scope when it covers every code, reaches every place and has
  the size for the value; it *could bid together with others* (a joint bid or as a
  subcontractor) when it covers at least one code and reaches at least one place.
- *Local* firms are based in a county where the purchase is delivered.

Only published supplier profiles count: the public directory's population. Counts are numbers;
who is in them is never returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from django.db.models import CharField as CharType
from django.utils.translation import gettext_lazy as _

from marketplace.models import SmeCategory, SupplierProfile
from marketplace.models.classification import cpv_prefix, cpv_under_q
from matching.scoring import branch_code

# Size groups as the page shows them, in order; startups first (a young firm of any size band).
STARTUP, SMALL, MEDIUM, LARGE, UNKNOWN = "startup", "small", "medium", "large", "unknown"
SIZES: tuple[str, ...] = (STARTUP, SMALL, MEDIUM, LARGE, UNKNOWN)
SMB_SIZES = frozenset({STARTUP, SMALL, MEDIUM})
YOUNG = ("idea", "startup")  # the profile's stages that make a startup
SIZE_LABELS = {
    STARTUP: _("Startups"),
    SMALL: _("Micro and small businesses"),
    MEDIUM: _("Medium-sized businesses"),
    LARGE: _("Large businesses"),
    UNKNOWN: _("Size not stated"),
}

# The most a firm of each SME category could take on alone: half its category's turnover ceiling
# (micro NOK 20 m, small 100 m, medium 500 m ≈ the EU's € 2 m / 10 m / 50 m), FOA § 16-5 (2).
VALUE_CEILING: dict[str, Decimal] = {
    SmeCategory.MICRO: Decimal(10_000_000),
    SmeCategory.SMALL: Decimal(50_000_000),
    SmeCategory.MEDIUM: Decimal(250_000_000),
}


@dataclass(frozen=True)
class Scope:
    """What one part asks for. ``municipalities`` are numbers; no places means anywhere."""

    key: str
    codes: tuple[str, ...]
    municipalities: frozenset[str] = frozenset()
    value: Decimal | None = None


@dataclass
class Counts:
    """Firms by size: ``alone`` could bid alone, ``together`` could only bid with others."""

    alone: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SIZES, 0))
    alone_local: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SIZES, 0))
    together: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SIZES, 0))
    together_local: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SIZES, 0))

    @property
    def alone_total(self) -> int:
        return sum(self.alone.values())

    @property
    def alone_smb(self) -> int:
        return sum(self.alone[size] for size in SMB_SIZES)

    @property
    def alone_local_total(self) -> int:
        return sum(self.alone_local.values())

    @property
    def together_total(self) -> int:
        return sum(self.together.values())

    @property
    def together_local_total(self) -> int:
        return sum(self.together_local.values())

    @property
    def alone_local_smb(self) -> int:
        return sum(self.alone_local[size] for size in SMB_SIZES)

    @property
    def together_smb(self) -> int:
        return sum(self.together[size] for size in SMB_SIZES)

    def rows(self) -> list[dict]:
        """One row per size for the page's table."""
        return [
            {
                "size": size,
                "label": SIZE_LABELS[size],
                "alone": self.alone[size],
                "alone_local": self.alone_local[size],
                "together": self.together[size],
                "together_local": self.together_local[size],
            }
            for size in SIZES
        ]


@dataclass
class Tally:
    """The counts of each scope (by key), of the firms able to bid alone on at least one scope
    of each group (``any``), and the facts behind them: firms covering each code, reaching
    each place, and having the size for each scope's value."""

    scopes: dict[str, Counts]
    any: dict[str, Counts]  # group name -> firms able to bid alone on at least one of its scopes
    covering: dict[str, int]  # code -> firms covering it
    reaching: dict[str, int]  # municipality number -> firms covering a code and reaching it
    sized: dict[str, int]  # scope key -> firms covering a code with the size for its value


def _covers(code: str) -> Q:
    """The code links (``SupplierProfile.cpv_codes.through``) that cover ``code``."""
    prefix = cpv_prefix(code)
    broader = {branch_code(prefix[:length]) for length in range(2, len(prefix) + 1)}
    return cpv_under_q([branch_code(prefix[:3])], "cpvcode__code") | Q(cpvcode_id__in=broader)


def _covers_exists(code: str) -> Exists:
    through = SupplierProfile.cpv_codes.through
    return Exists(through.objects.filter(_covers(code), supplierprofile_id=OuterRef("pk")))


def _reaches(number: str, county: str | None) -> Q:
    municipalities = SupplierProfile.delivery_municipalities.through.objects.filter(
        supplierprofile_id=OuterRef("pk"), municipality__number=number
    )
    reach = Q(delivers_nationwide=True) | Q(municipality__number=number) | Q(Exists(municipalities))
    if county:
        counties = SupplierProfile.delivery_counties.through.objects.filter(
            supplierprofile_id=OuterRef("pk"), county__number=county
        )
        reach |= Q(Exists(counties))
    return reach


def _sized(value: Decimal | None) -> Q:
    if value is None:
        return Q()
    too_small = [category for category, ceiling in VALUE_CEILING.items() if ceiling < value]
    return ~Q(sme_category__in=too_small) if too_small else Q()


def _size_case() -> Case:
    return Case(
        When(stage__in=YOUNG, then=Value(STARTUP)),
        When(sme_category__in=[SmeCategory.MICRO, SmeCategory.SMALL], then=Value(SMALL)),
        When(sme_category=SmeCategory.MEDIUM, then=Value(MEDIUM)),
        When(Q(sme_category=SmeCategory.LARGE) | Q(stage="large"), then=Value(LARGE)),
        default=Value(UNKNOWN),
        output_field=CharType(),
    )


def _all_of(conditions: Iterable[Q]) -> Q:
    result = Q()
    for condition in conditions:
        result &= condition
    return result


def _any_of(conditions: Iterable[Q]) -> Q:
    conditions = list(conditions)
    if not conditions:
        return Q()
    result = conditions[0]
    for condition in conditions[1:]:
        result |= condition
    return result


def tally(
    scopes: Sequence[Scope],
    *,
    groups: dict[str, Sequence[str]],
    counties_of: dict[str, str],
    local_counties: Iterable[str],
) -> Tally:
    """Count the published suppliers for ``scopes`` in one query. ``groups`` names sets of
    scope keys (the parts of one design); ``counties_of`` maps each municipality number to its
    county number (``matching.selectors.facts.lookups``)."""
    codes = sorted({code for scope in scopes for code in scope.codes})
    places = sorted({number for scope in scopes for number in scope.municipalities})
    local_counties = sorted(set(local_counties))
    if not codes:
        empty = {scope.key: Counts() for scope in scopes}
        return Tally(
            empty,
            {name: Counts() for name in groups},
            {},
            dict.fromkeys(places, 0),
            dict.fromkeys(empty, 0),
        )
    cover = {code: Q(_covers_exists(code)) for code in codes}
    reach = {number: _reaches(number, counties_of.get(number)) for number in places}
    any_code = {scope.key: _any_of(cover[code] for code in scope.codes) for scope in scopes}
    alone = {
        scope.key: _all_of(
            [
                *(cover[code] for code in scope.codes),
                *(reach[number] for number in scope.municipalities),
                _sized(scope.value),
            ]
        )
        for scope in scopes
    }
    together = {
        scope.key: any_code[scope.key]
        & _any_of(reach[number] for number in scope.municipalities)
        & ~alone[scope.key]
        for scope in scopes
    }
    # Candidates: published suppliers with a code that covers a wanted one (an index range).
    links = SupplierProfile.cpv_codes.through.objects.filter(
        _any_of(_covers(code) for code in codes)
    ).values("supplierprofile_id")
    local = Q(municipality__county__number__in=local_counties) if local_counties else Q(pk=None)
    aggregates = {}
    for n, scope in enumerate(scopes):
        aggregates[f"a{n}"] = Count("pk", filter=alone[scope.key])
        aggregates[f"t{n}"] = Count("pk", filter=together[scope.key])
        aggregates[f"s{n}"] = (
            Count("pk", filter=_sized(scope.value)) if scope.value else Count("pk")
        )
    group_names = list(groups)
    for n, name in enumerate(group_names):
        aggregates[f"g{n}"] = Count("pk", filter=_any_of(alone[key] for key in groups[name]))
    for n, code in enumerate(codes):
        aggregates[f"c{n}"] = Count("pk", filter=cover[code])
    for n, number in enumerate(places):
        aggregates[f"p{n}"] = Count("pk", filter=reach[number])
    rows = (
        SupplierProfile.objects.published()
        .filter(pk__in=links)
        .annotate(
            size=_size_case(),
            is_local=Case(
                When(local, then=Value("y")), default=Value("n"), output_field=CharType()
            ),
        )
        .order_by()
        .values("size", "is_local")
        .annotate(**aggregates)
    )
    result = Tally(
        {scope.key: Counts() for scope in scopes},
        {name: Counts() for name in group_names},
        dict.fromkeys(codes, 0),
        dict.fromkeys(places, 0),
        {scope.key: 0 for scope in scopes},
    )
    for row in rows:
        size, is_local = row["size"], row["is_local"] == "y"
        for n, scope in enumerate(scopes):
            counts = result.scopes[scope.key]
            counts.alone[size] += row[f"a{n}"]
            counts.together[size] += row[f"t{n}"]
            result.sized[scope.key] += row[f"s{n}"]
            if is_local:
                counts.alone_local[size] += row[f"a{n}"]
                counts.together_local[size] += row[f"t{n}"]
        for n, name in enumerate(group_names):
            result.any[name].alone[size] += row[f"g{n}"]
            if is_local:
                result.any[name].alone_local[size] += row[f"g{n}"]
        for n, code in enumerate(codes):
            result.covering[code] += row[f"c{n}"]
        for n, number in enumerate(places):
            result.reaching[number] += row[f"p{n}"]
    return result
