"""Two-way matching: the best suppliers for an opportunity, the best opportunities for a supplier.

Candidates are narrowed in SQL first (CPV branches as primary-key ranges, then delivery areas),
a shortlist is ranked on CPV and area, and only the shortlist is scored in full with the text
relevance from the search backend (``get_backend().text_scores``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import Q
from django.utils import timezone, translation

from marketplace.models import Organisation, SupplierProfile
from marketplace.models.classification import cpv_prefix, cpv_range, cpv_under_q
from matching.scoring import (
    AREA_POINTS,
    WEIGHTS,
    OpportunityFacts,
    Score,
    SupplierFacts,
    area_fit,
    branch_code,
    cpv_fit,
    score,
)
from matching.selectors.facts import (
    cpv_names,
    facts_of,
    opportunity_of,
    place_names,
    profile_facts,
    supplier_profiles_with_facts,
    text_of,
)
from matching.selectors.inference import InferredCpv, infer_cpv
from search.backends import get_backend
from tenders.models import Lot, Need, Tender

SHORTLIST = 100
TIER_ROWS = 3000
TEXT_SHORTLIST = 40  # the backend's text relevance is asked for these only
WIDE_ENOUGH = 400  # stop widening the CPV net once this many candidates are found


@dataclass(frozen=True)
class Match:
    obj: object  # a SupplierProfile, Tender, Lot or Need
    kind: str
    score: Score

    @property
    def total(self) -> float:
        return self.score.total


def text_relevance(kind: str, text: str, among: Iterable[int]) -> dict[int, float]:
    """Text relevance from the active search backend, {pk: 0..1}."""
    among = list(among)
    if not text.strip() or not among:
        return {}
    return get_backend().text_scores(kind, text, among=among, limit=len(among))


def _ancestors(codes: Iterable[str]) -> set[str]:
    """The branch codes above each code (72212000 → 72000000, 72200000, 72210000, 72212000)."""
    out: set[str] = set()
    for code in codes:
        prefix = cpv_prefix(code)
        for length in range(2, len(prefix) + 1):
            out.add(branch_code(prefix[:length]))
    return out


def _supplier_codes(codes: tuple[str, ...], *, depth: int) -> dict[int, list[str]]:
    """{profile pk: its codes} for published supplier profiles with a code in the same
    ``depth``-digit branch as a wanted code, or a broader code that holds one."""
    through = SupplierProfile.cpv_codes.through
    branches = {branch_code(cpv_prefix(code)[:depth]) for code in codes}
    query = cpv_under_q(branches, "cpvcode__code") | Q(cpvcode_id__in=_ancestors(codes))
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
    """The tiers of ``_tiered_candidates`` as SQL conditions on the code links' ``cpvcode_id``
    with their parameters: the codes and the broader ones that hold them, then the category
    (5 digits), class (4), group (3) and division (2) of each code, each tier once."""
    ancestors = sorted(_ancestors(codes))
    tiers = [(f"cpvcode_id IN ({', '.join(['%s'] * len(ancestors))})", ancestors)]
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
# Whether a firm is a published supplier is looked up once per firm, by primary key, in the tier
# where it shows first; a link counts when its firm is one. A later tier is read only while the
# tiers before it found fewer than WIDE_ENOUGH firms (a condition without columns: checked once,
# before the scan).
_TIER_SQL = """
links_{n} AS MATERIALIZED (
  SELECT supplierprofile_id AS profile_id, cpvcode_id AS code
    FROM marketplace_supplierprofile_cpv_codes
   WHERE ({condition}){gate}
   ORDER BY cpvcode_id, supplierprofile_id LIMIT %s),
firms_{n} AS MATERIALIZED (
  SELECT p.id FROM marketplace_supplierprofile p
   WHERE p.id {among} (SELECT DISTINCT profile_id FROM links_{n}{unseen}){among_end}
     AND p.is_published
     AND (SELECT o.kind FROM marketplace_organisation o WHERE o.id = p.organisation_id) = %s)"""
# PostgreSQL: the firms as one array, each looked up by primary key (a semi-join could hash
# every profile of the catalogue); other databases (SQLite) look each one up for IN.
_AMONG = {"postgresql": ("= ANY(ARRAY", ")"), "other": ("IN", "")}
_GATE_SQL = """
     AND (SELECT COUNT(*) FROM ({found}) found) < %s"""
_UNSEEN_SQL = """
         WHERE profile_id NOT IN ({seen})"""
_ROWS_SQL = """
SELECT {n} AS tier, profile_id, code FROM links_{n}
 WHERE profile_id IN ({found})"""


def _tiered_candidates(codes: tuple[str, ...]) -> dict[int, list[str]]:
    """{profile pk: its codes near the wanted ones}, narrowest tier first: the same code or a
    broader one that holds it, then the same category (5 digits), class (4), group (3) and
    division (2). Stops widening once ``WIDE_ENOUGH`` firms are found; each tier reads at most
    ``TIER_ROWS`` code links, so a crowded division never floods the shortlist. One statement
    on PostgreSQL and SQLite alike (``_TIER_SQL``)."""
    tiers, rows = [], []
    params: list = []
    among, end = _AMONG["postgresql" if connection.vendor == "postgresql" else "other"]
    for n, (condition, bounds) in enumerate(_tier_conditions(codes)):
        gate, unseen, gate_params = "", "", []
        if n:
            # Firms are disjoint between tiers (each is checked where it shows first).
            found = " UNION ALL ".join(f"SELECT id FROM firms_{k}" for k in range(n))  # noqa: S608
            seen = " UNION ALL ".join(f"SELECT profile_id FROM links_{k}" for k in range(n))  # noqa: S608
            gate = _GATE_SQL.format(found=found)
            unseen = _UNSEEN_SQL.format(seen=seen)
            gate_params = [WIDE_ENOUGH]
        tiers.append(
            _TIER_SQL.format(
                n=n, condition=condition, gate=gate, unseen=unseen, among=among, among_end=end
            )
        )
        params += [*bounds, *gate_params, TIER_ROWS, Organisation.Kind.SUPPLIER.value]
        found = " UNION ALL ".join(f"SELECT id FROM firms_{k}" for k in range(n + 1))  # noqa: S608
        rows.append(_ROWS_SQL.format(n=n, found=found))
    # Our constant SQL around placeholders; every value is a parameter.
    sql = f"WITH {','.join(tiers)}\n{' UNION ALL '.join(rows)}\nORDER BY 1, 3, 2"
    found_codes: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for _tier, pk, code in cursor.fetchall():
            codes_of = found_codes.setdefault(pk, [])
            if code not in codes_of:
                codes_of.append(code)
    return found_codes


_AREA_SQL = """
SELECT p.id FROM marketplace_supplierprofile p
 WHERE p.id = ANY(%(ids)s)
   AND (p.delivers_nationwide OR p.municipality_id IN (
        SELECT id FROM marketplace_municipality WHERE number = ANY(%(municipalities)s)))
UNION
SELECT d.supplierprofile_id FROM marketplace_supplierprofile_delivery_municipalities d
 WHERE d.supplierprofile_id = ANY(%(ids)s) AND d.municipality_id IN (
        SELECT id FROM marketplace_municipality WHERE number = ANY(%(municipalities)s))
UNION
SELECT c.supplierprofile_id FROM marketplace_supplierprofile_delivery_counties c
 WHERE c.supplierprofile_id = ANY(%(ids)s) AND c.county_id IN (
        SELECT id FROM marketplace_county WHERE number = ANY(%(counties)s))
"""


def _area_ids(candidates: list[int], facts: OpportunityFacts) -> set[int]:
    """The candidates that deliver where the opportunity is: one query, a union of four
    index lookups on the candidates' primary keys (no join fan-out, no DISTINCT over it)."""
    if not facts.municipalities:
        return set(candidates)
    if connection.vendor == "postgresql":
        # The candidates as ONE array parameter (not hundreds of IN-list parameters to adapt
        # and plan), each arm an index lookup.
        with connection.cursor() as cursor:
            cursor.execute(
                _AREA_SQL,
                {
                    "ids": list(candidates),
                    "municipalities": list(facts.municipalities),
                    "counties": list(facts.counties),
                },
            )
            return {row[0] for row in cursor.fetchall()}
    mine = SupplierProfile.objects.filter(pk__in=candidates).order_by()
    by_municipality = (
        SupplierProfile.delivery_municipalities.through.objects.filter(
            supplierprofile_id__in=candidates, municipality__number__in=facts.municipalities
        )
        .values_list("supplierprofile_id", flat=True)
        .order_by()
    )
    by_county = (
        SupplierProfile.delivery_counties.through.objects.filter(
            supplierprofile_id__in=candidates, county__number__in=facts.counties
        )
        .values_list("supplierprofile_id", flat=True)
        .order_by()
    )
    union = (
        mine.filter(delivers_nationwide=True)
        .values_list("pk", flat=True)
        .union(
            mine.filter(municipality__number__in=facts.municipalities).values_list("pk", flat=True),
            by_municipality,
            by_county,
        )
    )
    return set(union)


class Matches(list):
    """Matches, best first; ``inferred`` holds the CPV groups used when the need, tender or
    profile had no codes of its own (``matching.selectors.inference``), so the page can say so."""

    def __init__(self, matches: Iterable[Match] = (), inferred: InferredCpv | None = None):
        super().__init__(matches)
        self.inferred = inferred or InferredCpv()

    @property
    def inferred_labels(self) -> list[str]:
        """The inferred groups as "72200000 — name" in the active language."""
        names = cpv_names(self.inferred.codes)
        english = not (translation.get_language() or "nb").startswith("nb")
        return [
            f"{code} — {names[code][english]}" if code in names else code
            for code in self.inferred.codes
        ]


def _own_tender_id(obj) -> list[int]:
    if isinstance(obj, Tender):
        return [obj.pk]
    if isinstance(obj, Lot):
        return [obj.tender_id]
    return []


def suppliers_for(obj, *, limit: int = 20) -> Matches:
    """The best suppliers for a tender, lot or need, explained, best first. Without CPV codes of
    its own, the codes are inferred from its words (``Matches.inferred`` says which).

    The candidates near its codes come in one statement; the best ``SHORTLIST * 5`` on CPV fit
    are ranked on CPV and area (one query), the best ``SHORTLIST`` are read with their facts and
    profiles (one query) and scored in full; only the best ``TEXT_SHORTLIST`` of those ask the
    search backend for their text relevance."""
    opportunity = opportunity_of(obj)
    facts, names = opportunity.facts, opportunity.cpv_names
    inferred = None
    if not facts.cpv_codes:
        inferred = infer_cpv(text_of(obj), exclude=_own_tender_id(obj))
        if not inferred:
            return Matches()
        facts = replace(facts, cpv_codes=inferred.codes)
        names = cpv_names(inferred.codes)
    candidates = _tiered_candidates(facts.cpv_codes)
    cpv_points = {pk: cpv_fit(facts.cpv_codes, codes).points for pk, codes in candidates.items()}
    ranked = sorted(cpv_points, key=lambda pk: (-cpv_points[pk], pk))[: SHORTLIST * 5]
    in_area = _area_ids(ranked, facts)
    area_weight = WEIGHTS["area"] * AREA_POINTS["municipality"]
    prelim = {
        pk: WEIGHTS["cpv"] * cpv_points[pk] + (area_weight if pk in in_area else 0.0)
        for pk in ranked
    }
    shortlist = sorted(prelim, key=lambda pk: (-prelim[pk], pk))[:SHORTLIST]
    all_facts, profiles = supplier_profiles_with_facts(shortlist)
    matches = _score_suppliers(
        obj, facts, shortlist, all_facts, profiles, names, opportunity.places, limit=limit
    )
    return Matches(matches, inferred)


def _score_suppliers(
    obj,
    facts: OpportunityFacts,
    ids: list[int],
    all_facts: dict[int, SupplierFacts],
    profiles: dict[int, SupplierProfile],
    names: dict[str, tuple[str, str]],
    places: dict[str, str],
    *,
    limit: int,
) -> list[Match]:
    """Rank the shortlist on everything but text, ask the backend for the text relevance of the
    best ``TEXT_SHORTLIST`` only, rank those again and explain the top ``limit``."""
    without_text = sorted(
        (-score(all_facts[pk], facts, explain=False).total, pk) for pk in ids if pk in all_facts
    )
    best = [pk for _total, pk in without_text[:TEXT_SHORTLIST]]
    texts = text_relevance("supplier", text_of(obj), best)
    ranked = sorted(
        (-score(all_facts[pk], facts, text=texts.get(pk, 0.0), explain=False).total, pk)
        for pk in best
    )
    return [
        Match(
            obj=profiles[pk],
            kind="supplier",
            score=score(
                all_facts[pk], facts, text=texts.get(pk, 0.0), cpv_names=names, places=places
            ),
        )
        for _total, pk in ranked[:limit]
    ]


# --- For a supplier -------------------------------------------------------------------------------


def open_tenders():
    now = timezone.now()
    return Tender.objects.filter(status=Tender.Status.PUBLISHED).filter(
        Q(submission_deadline__isnull=True) | Q(submission_deadline__gt=now)
    )


def open_needs():
    return Need.objects.filter(status=Need.Status.OPEN)


def opportunities_for(profile: SupplierProfile, *, limit: int = 20) -> Matches:
    """The open needs, tenders and lots ``profile`` fits best, explained, best first. A profile
    without CPV codes is matched on codes inferred from its description (``Matches.inferred``)."""
    supplier = profile_facts(profile)
    profile_text = text_of(profile)
    inferred = None
    if not supplier.cpv_codes:
        inferred = infer_cpv(profile_text)
        if not inferred:
            return Matches()
        supplier = replace(supplier, cpv_codes=inferred.codes)
    divisions = {branch_code(code[:2]) for code in supplier.cpv_codes}
    near = cpv_under_q(divisions, "cpv_codes__code")
    tenders = open_tenders()
    tender_ids = set(
        tenders.filter(cpv_under_q(divisions, "main_cpv__code")).values_list("pk", flat=True)
    )
    tender_ids |= set(
        tenders.filter(cpv_under_q(divisions, "additional_cpv__code")).values_list("pk", flat=True)
    )
    lots = list(
        Lot.objects.filter(tender__in=tenders)
        .filter(near)
        .select_related("tender")
        .distinct()[: SHORTLIST * 2]
    )
    tenders_with_lots = set(
        Lot.objects.filter(tender_id__in=tender_ids).values_list("tender_id", flat=True)
    )
    objects: list = [lot for lot in lots]
    objects += list(Tender.objects.filter(pk__in=tender_ids - tenders_with_lots)[: SHORTLIST * 2])
    objects += list(open_needs().filter(near).distinct()[:SHORTLIST])
    facts_list = [(obj, facts_of(obj)) for obj in objects]
    return Matches(rank_opportunities(supplier, profile_text, facts_list, limit=limit), inferred)


def rank_opportunities(
    supplier: SupplierFacts,
    text: str,
    facts_list: list[tuple[object, OpportunityFacts]],
    *,
    limit: int = 20,
) -> list[Match]:
    """Score each opportunity in ``facts_list`` for ``supplier`` (``text`` is what the supplier
    says about itself), leave out those with no CPV fit, and explain the best ``limit``."""
    if not facts_list:
        return []
    texts = {
        "tender": text_relevance(
            "tender",
            text,
            [obj.pk for obj, f in facts_list if f.kind == "tender"]
            + [obj.tender_id for obj, f in facts_list if f.kind == "lot"],
        ),
        "need": text_relevance("need", text, [obj.pk for obj, f in facts_list if f.kind == "need"]),
    }

    def text_of_match(obj, facts: OpportunityFacts) -> float:
        if facts.kind == "lot":
            return texts["tender"].get(obj.tender_id, 0.0)
        return texts["tender" if facts.kind == "tender" else "need"].get(obj.pk, 0.0)

    ranked = []
    for index, (obj, facts) in enumerate(facts_list):
        result = score(supplier, facts, text=text_of_match(obj, facts), explain=False)
        if result.parts["cpv"] > 0:
            ranked.append((-result.total, facts.kind, facts.pk, index))
    ranked.sort()
    best = [facts_list[index] for *_key, index in ranked[:limit]]
    codes = {code for _, f in best for code in f.cpv_codes}
    names = cpv_names(codes)
    places = place_names({number for _, f in best for number in (*f.municipalities, *f.counties)})
    return [
        Match(
            obj=obj,
            kind=facts.kind,
            score=score(
                supplier,
                facts,
                text=text_of_match(obj, facts),
                cpv_names=names,
                places=places,
            ),
        )
        for obj, facts in best
    ]


def explain(profile: SupplierProfile, obj) -> Score:
    """The explained fit of one supplier to one opportunity (alerts, invitations)."""
    opportunity = opportunity_of(obj)
    facts = opportunity.facts
    supplier = profile_facts(profile)
    kind = "need" if facts.kind == "need" else "tender"
    pk = obj.tender_id if facts.kind == "lot" else obj.pk
    text = text_relevance(kind, text_of(profile), [pk]).get(pk, 0.0)
    return score(
        supplier,
        facts,
        text=text,
        cpv_names=opportunity.cpv_names,
        places=opportunity.places,
    )


__all__ = [
    "Match",
    "Matches",
    "area_fit",
    "explain",
    "opportunities_for",
    "rank_opportunities",
    "suppliers_for",
]
