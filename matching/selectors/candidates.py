"""The candidate suppliers of an opportunity, read and ranked in one statement (issue 14).

Published supplier profiles are found near the opportunity's CPV codes in tiers, narrowest
first (``_TIER_SQL``), and the same statement ranks them the way the matcher's first cut does:
each firm's CPV fit is the best fit of its codes in its tier, the best ``SHORTLIST * 5`` on CPV fit
are checked for delivering where the opportunity is, and the best ``SHORTLIST`` on
``WEIGHTS["cpv"] * fit + WEIGHTS["area"]`` (when they deliver there) come back, best first, ties
by primary key. Only those are read and scored in full in Python (``matching.selectors.matches``).

The CPV fit of a code is not written twice: the statement gets a table of points per code made
by ``matching.scoring.cpv_fit`` itself for the codes where the rule is not a plain shared prefix
(the wanted codes and every branch above them), and the shared-prefix points by range for the
others (``_fit_tables`` says why that is the same number). ``candidate_codes`` returns the tier
rows the ranking starts from, so tests compare the statement with ``cpv_fit`` and ``area_fit``
on the same rows. One statement on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q

from marketplace.models import Organisation, SupplierProfile
from marketplace.models.classification import CPV_CODE_LENGTH, cpv_prefix, cpv_range, cpv_under_q
from matching.scoring import (
    AREA_POINTS,
    CPV_SHARED_POINTS,
    WEIGHTS,
    OpportunityFacts,
    branch_code,
    cpv_fit,
)

SHORTLIST = 100
TIER_ROWS = 3000
WIDE_ENOUGH = 400  # stop widening the CPV net once this many candidates are found


def ancestors(codes: Iterable[str]) -> set[str]:
    """The branch codes above each code (72212000 → 72000000, 72200000, 72210000, 72212000)."""
    out: set[str] = set()
    for code in codes:
        prefix = cpv_prefix(code)
        for length in range(2, len(prefix) + 1):
            out.add(branch_code(prefix[:length]))
    return out


def supplier_codes(codes: tuple[str, ...], *, depth: int) -> dict[int, list[str]]:
    """{profile pk: its codes} for published supplier profiles with a code in the same
    ``depth``-digit branch as a wanted code, or a broader code that holds one (partners)."""
    through = SupplierProfile.cpv_codes.through
    branches = {branch_code(cpv_prefix(code)[:depth]) for code in codes}
    query = cpv_under_q(branches, "cpvcode__code") | Q(cpvcode_id__in=ancestors(codes))
    rows = through.objects.filter(
        query,
        supplierprofile__is_published=True,
        supplierprofile__organisation__kind=Organisation.Kind.SUPPLIER,
    ).values_list("supplierprofile_id", "cpvcode__code")
    found: dict[int, list[str]] = {}
    for pk, code in rows:
        found.setdefault(pk, []).append(code)
    return found


def _tier_conditions(codes: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """The tiers as SQL conditions on the code links' ``cpvcode_id`` with their parameters:
    the codes and the broader ones that hold them, then the category (5 digits), class (4),
    group (3) and division (2) of each code, each tier once."""
    above = sorted(ancestors(codes))
    tiers = [(f"cpvcode_id IN ({', '.join(['%s'] * len(above))})", above)]
    seen_branches: set[frozenset[str]] = set()
    for depth in (5, 4, 3, 2):
        branches = frozenset(branch_code(cpv_prefix(code)[:depth]) for code in codes)
        if branches in seen_branches:
            continue
        seen_branches.add(branches)
        ranges = [cpv_range(branch) for branch in sorted(branches)]
        condition = " OR ".join(["cpvcode_id BETWEEN %s AND %s"] * len(ranges))
        tiers.append((condition, [bound for pair in ranges for bound in pair]))
    return tiers


# Each tier reads at most TIER_ROWS code links in its range (an index in (code, firm) order,
# matching/migrations/0003), ordered by code and firm so the cut is the same on every run.
# A later tier is read only while the tiers before it found fewer than WIDE_ENOUGH listed firms
# (published supplier profiles; a condition without columns: checked once, before the scan).
# Whether a firm is listed costs two primary-key lookups (its profile and its organisation), so
# it is asked only as often as an answer needs: ``listed_{n}`` checks the firms a tier shows
# first until it has found WIDE_ENOUGH of them (enough for the next tier's gate: the sum of the
# capped counts is under WIDE_ENOUGH exactly when the true sum is), and the ranking checks the
# firms best first until it has its cut (``_RANK_SQL``). A crowded category (~3,000 firms) is
# then ~700 checks instead of one per firm.
_TIER_SQL = """
links_{n} AS MATERIALIZED (
  SELECT supplierprofile_id AS profile_id, cpvcode_id AS code
    FROM marketplace_supplierprofile_cpv_codes
   WHERE ({condition}){gate}
   ORDER BY cpvcode_id, supplierprofile_id LIMIT %s)"""
_LISTED_SQL = """
listed_{n} AS MATERIALIZED (
  SELECT p.id, p.delivers_nationwide AS nationwide, p.municipality_id
    FROM marketplace_supplierprofile p
   WHERE p.id {among} (SELECT DISTINCT profile_id FROM links_{n}{unseen}){among_end}
     AND p.is_published
     AND (SELECT o.kind FROM marketplace_organisation o WHERE o.id = p.organisation_id) = %s
   LIMIT %s)"""
# PostgreSQL: the firms as one array, each looked up by primary key (a semi-join could hash
# every profile of the catalogue); other databases (SQLite) look each one up for IN.
_AMONG = {"postgresql": ("= ANY(ARRAY", ")"), "other": ("IN", "")}
_GATE_SQL = """
     AND (SELECT COUNT(*) FROM ({found}) found) < %s"""
_UNSEEN_SQL = """
         WHERE profile_id NOT IN ({seen})"""
# Whether the firm ``{firm}`` is listed: a published profile of a supplier organisation.
_IS_LISTED_SQL = """EXISTS (
  SELECT 1 FROM marketplace_supplierprofile p
   WHERE p.id = {firm} AND p.is_published
     AND (SELECT o.kind FROM marketplace_organisation o WHERE o.id = p.organisation_id) = %s)"""


def _tiers(codes: tuple[str, ...]) -> tuple[list[str], int, list]:
    """(the tiers' common table expressions: ``links_{n}`` for each of the tiers, ``listed_{n}``
    for each but the last, the number of tiers, the parameters)."""
    parts: list[str] = []
    params: list = []
    among, end = _AMONG["postgresql" if connection.vendor == "postgresql" else "other"]
    conditions = _tier_conditions(codes)
    supplier = Organisation.Kind.SUPPLIER.value
    for n, (condition, bounds) in enumerate(conditions):
        gate, unseen, gate_params = "", "", []
        if n:
            # Firms are disjoint between tiers (each is checked where it shows first).
            found = " UNION ALL ".join(f"SELECT id FROM listed_{k}" for k in range(n))  # noqa: S608
            seen = " UNION ALL ".join(f"SELECT profile_id FROM links_{k}" for k in range(n))  # noqa: S608
            gate = _GATE_SQL.format(found=found)
            unseen = _UNSEEN_SQL.format(seen=seen)
            gate_params = [WIDE_ENOUGH]
        parts.append(_TIER_SQL.format(n=n, condition=condition, gate=gate))
        params += [*bounds, *gate_params, TIER_ROWS]
        if n < len(conditions) - 1:  # the last tier gates no other
            parts.append(_LISTED_SQL.format(n=n, unseen=unseen, among=among, among_end=end))
            params += [supplier, WIDE_ENOUGH]
    return parts, len(conditions), params


def _all_links(tiers: int) -> str:
    select = "SELECT {n} AS tier, profile_id, code FROM links_{n}"  # our constant SQL
    return " UNION ALL ".join(select.format(n=n) for n in range(tiers))


def candidate_codes(codes: tuple[str, ...]) -> dict[int, list[str]]:
    """{profile pk: its codes near the wanted ones}, narrowest tier first: the same code or a
    broader one that holds it, then the same category (5 digits), class (4), group (3) and
    division (2). Stops widening once ``WIDE_ENOUGH`` listed firms are found; each tier reads at
    most ``TIER_ROWS`` code links, so a crowded division never floods the shortlist. These are
    the rows ``shortlist`` ranks (each listed firm checked here, as tests compare with)."""
    tiers, count, params = _tiers(codes)
    # Our constant SQL around placeholders; every value is a parameter.
    sql = (
        f"WITH {','.join(tiers)}\nSELECT l.tier, l.profile_id, l.code FROM ({_all_links(count)}) l"
        f"\n WHERE {_IS_LISTED_SQL.format(firm='l.profile_id')}\nORDER BY 1, 3, 2"
    )
    found_codes: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, Organisation.Kind.SUPPLIER.value])
        for _tier, pk, code in cursor.fetchall():
            codes_of = found_codes.setdefault(pk, [])
            if code not in codes_of:
                codes_of.append(code)
    return found_codes


def _fit_tables(wanted: tuple[str, ...]) -> tuple[list[tuple[str, float]], list[tuple]]:
    """The CPV fit of any code to ``wanted`` as two tables: (code, points) for the wanted codes
    and every branch above them, made by ``cpv_fit``; (low, high, points) for the rest.

    Why the ranges give ``cpv_fit``'s number for a code that is none of those: such a code is
    neither a wanted code nor a branch that holds one, so against each wanted code its points
    are those of the shared significant prefix (``CPV_SHARED_POINTS`` by its length, capped at
    five digits, none under two). It lies in the range of the first ``d`` significant digits of
    a wanted code exactly when they share at least ``d`` (had the code fewer significant digits
    than ``d``, it would be a branch above the wanted code), so the best range it lies in is
    its best shared prefix."""
    exact = [(code, cpv_fit(wanted, (code,)).points) for code in sorted(ancestors(wanted))]
    ranges = []
    for code in wanted:
        prefix = cpv_prefix(code)
        for depth in range(2, min(len(prefix), 5) + 1):
            head = prefix[:depth]
            ranges.append(
                (
                    head.ljust(CPV_CODE_LENGTH, "0"),
                    head.ljust(CPV_CODE_LENGTH, "9"),
                    CPV_SHARED_POINTS[depth],
                )
            )
    return exact, ranges


# Points are doubles in the statement, as in Python: a bare parameter would be a decimal on
# PostgreSQL, whose sums and ties are not those of ``float``.
_POINTS = "CAST(%s AS DOUBLE PRECISION)"


def _values(rows: list[tuple]) -> tuple[str, list]:
    """A VALUES list of ``rows`` whose last column is points."""
    row = f"({'%s, ' * (len(rows[0]) - 1)}{_POINTS})"
    return ", ".join([row] * len(rows)), [value for each in rows for value in each]


# Whether a firm delivers where the opportunity is: nationwide, based in one of its
# municipalities, delivering in one, or in one of their counties (``scoring.area_fit`` is not
# "elsewhere"). Each a lookup by the firm's key, for the few hundred firms asked about (as
# EXISTS, PostgreSQL may hash every firm that delivers in a busy municipality instead). A firm
# a tier's gate found listed (``k``, from ``listed_{n}``) brings its profile's "nationwide"
# and home municipality along, so only the others look their profile up again. The places'
# keys are read once per statement ({among}: an array on PostgreSQL, which would otherwise
# scan the municipalities again for every firm). {places} and {counties} are lists of
# placeholders.
_IN_AREA_SQL = """(
  CASE WHEN k.id IS NOT NULL
       THEN COALESCE(k.nationwide OR k.municipality_id {among} (
            SELECT id FROM marketplace_municipality WHERE number IN ({places})){among_end}, FALSE)
       ELSE (SELECT 1 FROM marketplace_supplierprofile p
              WHERE p.id = b.profile_id
                AND (p.delivers_nationwide OR p.municipality_id {among} (
                     SELECT id FROM marketplace_municipality WHERE number IN ({places})){among_end})
            ) IS NOT NULL END
  OR (SELECT 1 FROM marketplace_supplierprofile_delivery_municipalities d
       WHERE d.supplierprofile_id = b.profile_id AND d.municipality_id {among} (
             SELECT id FROM marketplace_municipality WHERE number IN ({places})){among_end}
       LIMIT 1) IS NOT NULL{county})"""
_IN_COUNTY_SQL = """
  OR (SELECT 1 FROM marketplace_supplierprofile_delivery_counties c
       WHERE c.supplierprofile_id = b.profile_id AND c.county_id {among} (
             SELECT id FROM marketplace_county WHERE number IN ({counties})){among_end}
       LIMIT 1) IS NOT NULL"""

# Every firm of the tiers read gets its fit, the best of its codes' points (a firm's links in
# any tier read count, as each shows first in one tier and later tiers hold its other codes);
# the firms are then checked best first, those a tier's gate found listed without a lookup,
# until SHORTLIST * 5 listed ones are found. The ordered subquery's LIMIT (no fewer rows than
# every link read) is a fence on PostgreSQL and SQLite alike: it keeps the check from being
# planned before the sort, which would check every firm.
_RANK_SQL = """WITH {tiers},
exact (code, points) AS (VALUES {exact}),
ranges (low, high, points) AS (VALUES {ranges}),
links AS MATERIALIZED ({rows}),
code_fit AS MATERIALIZED (
  SELECT c.code, COALESCE(
           (SELECT e.points FROM exact e WHERE e.code = c.code),
           (SELECT MAX(r.points) FROM ranges r WHERE c.code BETWEEN r.low AND r.high),
           {points}) AS points
    FROM (SELECT DISTINCT code FROM links) c),
fit AS (
  SELECT l.profile_id, MAX(f.points) AS points
    FROM links l JOIN code_fit f ON f.code = l.code
   GROUP BY l.profile_id),
best AS MATERIALIZED (
  SELECT o.profile_id, o.points
    FROM (SELECT profile_id, points FROM fit ORDER BY points DESC, profile_id LIMIT %s) o
   WHERE {known} OR {listed}
   LIMIT %s)
SELECT b.profile_id,
       b.points * {points} + CASE WHEN {in_area} THEN {points} ELSE {points} END AS prelim
  FROM best b LEFT JOIN ({known_rows}) k ON k.id = b.profile_id
 ORDER BY prelim DESC, b.profile_id
 LIMIT %s"""


# No firm found listed by a gate (a statement of one tier): the rows of ``k``, none.
_NONE_KNOWN = (
    "SELECT p.id, p.delivers_nationwide AS nationwide, p.municipality_id"
    " FROM marketplace_supplierprofile p WHERE 1 = 0"
)


def _in_area(facts: OpportunityFacts) -> tuple[str, list]:
    if not facts.municipalities:
        return "1 = 1", []  # the opportunity names no place: every firm counts as near
    places = sorted(facts.municipalities)
    counties = sorted(facts.counties)
    among, end = _AMONG["postgresql" if connection.vendor == "postgresql" else "other"]
    marks = ", ".join(["%s"] * len(places))
    county, county_params = "", []
    if counties:
        county = _IN_COUNTY_SQL.format(
            counties=", ".join(["%s"] * len(counties)), among=among, among_end=end
        )
        county_params = counties
    sql = _IN_AREA_SQL.format(places=marks, county=county, among=among, among_end=end)
    return sql, [*places, *places, *places, *county_params]


def shortlist(facts: OpportunityFacts) -> list[int]:
    """The ``SHORTLIST`` candidates to score in full for ``facts`` (which has CPV codes), best
    first on CPV fit and area, ties by primary key: one statement."""
    tiers, count, tier_params = _tiers(facts.cpv_codes)
    exact, ranges = _fit_tables(facts.cpv_codes)
    exact_sql, exact_params = _values(exact)
    ranges_sql, range_params = _values(ranges)
    in_area, area_params = _in_area(facts)
    if count > 1:
        found = " UNION ALL ".join(f"SELECT id FROM listed_{n}" for n in range(count - 1))  # noqa: S608
        known = f"o.profile_id IN ({found})"
        known_rows = " UNION ALL ".join(
            f"SELECT id, nationwide, municipality_id FROM listed_{n}"  # noqa: S608
            for n in range(count - 1)
        )
    else:
        known = "1 = 0"
        known_rows = _NONE_KNOWN
    sql = _RANK_SQL.format(
        tiers=",".join(tiers),
        exact=exact_sql,
        ranges=ranges_sql,
        rows=_all_links(count),
        known=known,
        known_rows=known_rows,
        listed=_IS_LISTED_SQL.format(firm="o.profile_id"),
        in_area=in_area,
        points=_POINTS,
    )
    params = [
        *tier_params,
        *exact_params,
        *range_params,
        0.0,
        TIER_ROWS * count,  # every firm read: at most one per link
        Organisation.Kind.SUPPLIER.value,
        SHORTLIST * 5,
        WEIGHTS["cpv"],
        *area_params,
        WEIGHTS["area"] * AREA_POINTS["municipality"],
        0.0,
        SHORTLIST,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for pk, _prelim in cursor.fetchall()]
