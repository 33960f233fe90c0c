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

from django.db import connection
from django.utils.translation import gettext_lazy as _

from marketplace.models import County, Municipality, Organisation, SmeCategory, SupplierProfile
from marketplace.models.classification import cpv_prefix, cpv_range
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


def _covers(code: str) -> tuple[str, list]:
    """SQL on a code link ``l`` that covers ``code``: in its group's range, or a broader code."""
    prefix = cpv_prefix(code)
    low, high = cpv_range(branch_code(prefix[:3]))
    broader = sorted({branch_code(prefix[:length]) for length in range(2, len(prefix) + 1)})
    marks = ", ".join(["%s"] * len(broader))
    return f"(l.cpvcode_id BETWEEN %s AND %s OR l.cpvcode_id IN ({marks}))", [low, high, *broader]


def _too_small(value: Decimal | None) -> list[str]:
    """The SME categories whose ceiling is below ``value`` (none when the value is unknown)."""
    if value is None:
        return []
    return [str(category) for category, ceiling in VALUE_CEILING.items() if ceiling < value]


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


class _Sql:
    """SQL text and its parameters, written in order."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list = []

    def add(self, text: str, params=()) -> None:
        self.parts.append(text)
        self.params.extend(params)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _tables() -> dict[str, str]:
    return {
        "links": SupplierProfile.cpv_codes.through._meta.db_table,
        "munis": SupplierProfile.delivery_municipalities.through._meta.db_table,
        "counties": SupplierProfile.delivery_counties.through._meta.db_table,
        "profile": SupplierProfile._meta.db_table,
        "organisation": Organisation._meta.db_table,
        "municipality": Municipality._meta.db_table,
        "county": County._meta.db_table,
    }


def _size_sql() -> tuple[str, list]:
    return (
        "CASE WHEN p.stage IN (%s, %s) THEN %s"
        " WHEN p.sme_category IN (%s, %s) THEN %s"
        " WHEN p.sme_category = %s THEN %s"
        " WHEN p.sme_category = %s OR p.stage = %s THEN %s"
        " ELSE %s END",
        [
            *YOUNG,
            STARTUP,
            SmeCategory.MICRO.value,
            SmeCategory.SMALL.value,
            SMALL,
            SmeCategory.MEDIUM.value,
            MEDIUM,
            SmeCategory.LARGE.value,
            "large",
            LARGE,
            UNKNOWN,
        ],
    )


def tally(
    scopes: Sequence[Scope],
    *,
    groups: dict[str, Sequence[str]],
    counties_of: dict[str, str],
    local_counties: Iterable[str],
) -> Tally:
    """Count the published suppliers for ``scopes`` in one query. ``groups`` names sets of
    scope keys (the parts of one design); ``counties_of`` maps each municipality number to its
    county number (``matching.selectors.facts.lookups``).

    The statement reads the code links near the wanted codes once (one row per firm with a
    flag per code), the delivery places of those firms once (a flag per place and county),
    and adds the flags up per size and locality: linear in the candidate links, whatever the
    number of scopes."""
    codes = sorted({code for scope in scopes for code in scope.codes})
    places = sorted({number for scope in scopes for number in scope.municipalities})
    counties = sorted({counties_of[n] for n in places if counties_of.get(n)})
    local_counties = sorted(set(local_counties))
    group_names = list(groups)
    result = Tally(
        {scope.key: Counts() for scope in scopes},
        {name: Counts() for name in group_names},
        dict.fromkeys(codes, 0),
        dict.fromkeys(places, 0),
        {scope.key: 0 for scope in scopes},
    )
    if not codes:
        return result
    code_col = {code: f"c{n}" for n, code in enumerate(codes)}
    place_col = {number: f"r{n}" for n, number in enumerate(places)}
    county_col = {county: f"k{n}" for n, county in enumerate(counties)}
    t = _tables()
    sql = _Sql()
    delivered_col = {number: f"d{n}" for n, number in enumerate(places)}
    covers = {code: _covers(code) for code in codes}
    flag_columns = [*code_col.values(), *delivered_col.values(), *county_col.values()]

    def leg(source: str, flags: dict[str, tuple[str, list]]) -> None:
        """One source's rows: its own flags, zero for the others, in ``flag_columns`` order
        (UNION ALL matches columns by position)."""
        sql.add(f"SELECT {source} AS id")
        for column in flag_columns:
            text, params = flags.get(column, ("0", []))
            sql.add(f", {text} AS {column}", params)

    # One row per firm with a flag per code, per delivery municipality and per delivery
    # county: the three sources added up (UNION ALL, then one GROUP BY), never joined to
    # each other, so each is read once whatever the number of candidates.
    sql.add("WITH flags AS (SELECT id")
    sql.add("".join(f", MAX({column}) AS {column}" for column in flag_columns))
    sql.add(" FROM (")
    leg(
        "l.supplierprofile_id",
        {
            code_col[code]: (f"CASE WHEN {covers[code][0]} THEN 1 ELSE 0 END", covers[code][1])
            for code in codes
        },
    )
    sql.add(f" FROM {t['links']} l WHERE ")
    sql.add(" OR ".join(covers[code][0] for code in codes))
    sql.params.extend(param for code in codes for param in covers[code][1])
    if places:
        sql.add(" UNION ALL ")
        leg(
            "d.supplierprofile_id",
            {delivered_col[n]: ("CASE WHEN m.number = %s THEN 1 ELSE 0 END", [n]) for n in places},
        )
        sql.add(
            f" FROM {t['munis']} d JOIN {t['municipality']} m ON m.id = d.municipality_id"
            f" WHERE m.number IN ({_marks(places)})",
            places,
        )
    if counties:
        sql.add(" UNION ALL ")
        leg(
            "d.supplierprofile_id",
            {county_col[c]: ("CASE WHEN c.number = %s THEN 1 ELSE 0 END", [c]) for c in counties},
        )
        sql.add(
            f" FROM {t['counties']} d JOIN {t['county']} c ON c.id = d.county_id"
            f" WHERE c.number IN ({_marks(counties)})",
            counties,
        )
    sql.add(") AS sources GROUP BY id HAVING ")
    sql.add(" OR ".join(f"MAX({code_col[code]}) = 1" for code in codes))
    size_text, size_params = _size_sql()
    sql.add(f"), firms AS (SELECT {size_text} AS size, ", size_params)
    if local_counties:
        sql.add(
            f"CASE WHEN hc.number IN ({_marks(local_counties)}) THEN 1 ELSE 0 END AS is_local",
            local_counties,
        )
    else:
        sql.add("0 AS is_local")
    sql.add(", p.sme_category AS sme")
    sql.add("".join(f", f.{code_col[code]}" for code in codes))
    for number in places:
        ways = ["p.delivers_nationwide", "hm.number = %s", f"f.{delivered_col[number]} = 1"]
        county = counties_of.get(number)
        if county:
            ways.append(f"f.{county_col[county]} = 1")
        sql.add(
            f", CASE WHEN {' OR '.join(ways)} THEN 1 ELSE 0 END AS {place_col[number]}", [number]
        )
    sql.add(
        f" FROM flags f JOIN {t['profile']} p ON p.id = f.id"
        f" JOIN {t['organisation']} o ON o.id = p.organisation_id"
        f" LEFT JOIN {t['municipality']} hm ON hm.id = p.municipality_id"
        f" LEFT JOIN {t['county']} hc ON hc.id = hm.county_id"
    )
    sql.add(" WHERE p.is_published AND o.kind = %s)", [Organisation.Kind.SUPPLIER.value])

    def every(columns: Iterable[str]) -> str:
        return " AND ".join(f"{column} = 1" for column in columns) or "1 = 1"

    def some(columns: Iterable[str]) -> str:
        return "(" + (" OR ".join(f"{column} = 1" for column in columns) or "1 = 1") + ")"

    def sized(scope: Scope) -> tuple[str, list]:
        small = _too_small(scope.value)
        return (f"sme NOT IN ({_marks(small)})", small) if small else ("1 = 1", [])

    def alone(scope: Scope) -> tuple[str, list]:
        size_text, params = sized(scope)
        columns = [code_col[c] for c in scope.codes] + [place_col[n] for n in scope.municipalities]
        return f"({every(columns)} AND {size_text})", params

    sql.add(" SELECT size, is_local")
    for n, scope in enumerate(scopes):
        alone_text, alone_params = alone(scope)
        sql.add(f", SUM(CASE WHEN {alone_text} THEN 1 ELSE 0 END) AS a{n}", alone_params)
        any_code = some(code_col[c] for c in scope.codes)
        any_place = some(place_col[p] for p in scope.municipalities)
        sql.add(
            f", SUM(CASE WHEN {any_code} AND {any_place} AND NOT {alone_text} THEN 1 ELSE 0 END)",
            alone_params,
        )
        size_text, size_params = sized(scope)
        sql.add(f", SUM(CASE WHEN {size_text} THEN 1 ELSE 0 END)", size_params)
    by_key = {scope.key: scope for scope in scopes}
    for name in group_names:
        texts, params = [], []
        for key in groups[name]:
            alone_text, alone_params = alone(by_key[key])
            texts.append(alone_text)
            params += alone_params
        sql.add(f", SUM(CASE WHEN {' OR '.join(texts) or '1 = 0'} THEN 1 ELSE 0 END)", params)
    sql.add("".join(f", SUM({code_col[code]})" for code in codes))
    sql.add("".join(f", SUM({place_col[number]})" for number in places))
    sql.add(" FROM firms GROUP BY size, is_local")
    with connection.cursor() as cursor:
        # Our constant SQL around placeholders: every value is a parameter.
        cursor.execute(sql.text, sql.params)
        rows = cursor.fetchall()
    for row in rows:
        size, is_local, values = row[0], bool(row[1]), [int(v or 0) for v in row[2:]]
        for scope in scopes:
            alone_n, together_n, sized_n = values[:3]
            values = values[3:]
            counts = result.scopes[scope.key]
            counts.alone[size] += alone_n
            counts.together[size] += together_n
            result.sized[scope.key] += sized_n
            if is_local:
                counts.alone_local[size] += alone_n
                counts.together_local[size] += together_n
        for name in group_names:
            result.any[name].alone[size] += values[0]
            if is_local:
                result.any[name].alone_local[size] += values[0]
            values = values[1:]
        for code in codes:
            result.covering[code] += values[0]
            values = values[1:]
        for number in places:
            result.reaching[number] += values[0]
            values = values[1:]
    return result
