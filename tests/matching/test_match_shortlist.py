"""The shortlist statement never changes who is shown (issue 14).

The candidates of a tender are found and ranked in SQL (``matching.selectors.candidates``); the
ranking must be the one the Python scorer gives: ``cpv_fit`` over each firm's codes in its tier,
``area_fit`` not "elsewhere", ``WEIGHTS``. A realistic mix of firms (codes at every level,
branches with a zero inside, places, counties, nationwide, unlisted firms, a buyer's profile) is
ranked both ways with small shortlists, so every cut is exercised; and when nothing is cut, the
suppliers shown are exactly those the full explained scoring of every candidate puts first.
"""

from __future__ import annotations

import random

import pytest

from marketplace.models import Organisation, SupplierProfile
from marketplace.models.classification import cpv_prefix
from matching.scoring import (
    AREA_POINTS,
    WEIGHTS,
    OpportunityFacts,
    area_fit,
    branch_code,
    cpv_fit,
    score,
)
from matching.selectors import candidates
from matching.selectors.facts import opportunity_of, supplier_facts, text_of
from matching.selectors.matches import suppliers_for, text_relevance
from tests.factories import (
    BuyerFactory,
    ListedSupplierProfileFactory,
    TenderFactory,
    cpv_code,
    municipality,
)

pytestmark = pytest.mark.django_db

CODES = (
    "03000000", "03100000", "03110000", "03111000",
    "45000000", "45200000", "45230000", "45233000", "45233141", "45233142",
    "48000000", "48200000",
    "72000000", "72010000", "72012000", "72012100", "72200000", "72210000", "72212000",
    "72212100", "72212200", "72220000", "72500000", "72510000",
    "90000000", "90500000", "90510000",
)  # fmt: skip
WANTED = (
    ("72212000",),
    ("72012000",),
    ("72212000", "45233141"),
    ("03110000", "72500000"),
    ("90500000",),
    ("72000000",),
)


@pytest.fixture
def market(db):
    """About a hundred firms with one to three codes each, a home, places they deliver in."""
    rng = random.Random(14)
    codes = {code: cpv_code(code) for code in CODES}
    places = [
        municipality("3201", "Bærum"),
        municipality("3203", "Asker"),
        municipality("0301", "Oslo", county_number="03", county_name="Oslo"),
        municipality("4601", "Bergen", county_number="46", county_name="Vestland"),
    ]
    counties = sorted({place.county for place in places}, key=lambda county: county.number)
    # a buyer's profile is never a supplier, whatever its codes
    ListedSupplierProfileFactory(organisation=BuyerFactory(), cpv_codes=[codes["72212000"]])
    for _ in range(100):
        ListedSupplierProfileFactory(
            is_published=rng.random() > 0.1,
            cpv_codes=[codes[code] for code in rng.sample(CODES, rng.randint(1, 3))],
            municipality=rng.choice([None, *places]),
            delivers_nationwide=rng.random() < 0.1,
            delivery_municipalities=rng.sample(places, rng.randint(0, 2)),
            delivery_counties=rng.sample(counties, 1) if rng.random() < 0.2 else [],
            employee_band=rng.choice(["", "1-9", "250+"]),
            stage=rng.choice(["", "startup", "established"]),
        )
    return places


def _python_shortlist(facts: OpportunityFacts) -> list[int]:
    """The first cut as the Python scorer makes it, on the rows the statement starts from."""
    rows = candidates.candidate_codes(facts.cpv_codes)
    points = {pk: cpv_fit(facts.cpv_codes, codes).points for pk, codes in rows.items()}
    ranked = sorted(points, key=lambda pk: (-points[pk], pk))[: candidates.SHORTLIST * 5]
    firms = supplier_facts(ranked)
    near = WEIGHTS["area"] * AREA_POINTS["municipality"]
    prelim = {
        pk: WEIGHTS["cpv"] * points[pk]
        + (near if area_fit(firms[pk], facts)[0] != "elsewhere" else 0.0)
        for pk in ranked
    }
    return sorted(prelim, key=lambda pk: (-prelim[pk], pk))[: candidates.SHORTLIST]


def _python_tiers(wanted: tuple[str, ...]) -> dict[int, set[str]]:
    """The tier rows as the rule says, in Python from every code link: each tier's first
    ``TIER_ROWS`` links in (code, firm) order, a tier read only while the tiers before it found
    fewer than ``WIDE_ENOUGH`` listed firms (a firm counts in the tier where it shows first),
    the links of listed firms kept."""
    links = sorted(
        SupplierProfile.cpv_codes.through.objects.values_list("cpvcode_id", "supplierprofile_id")
    )
    listed = set(
        SupplierProfile.objects.filter(
            is_published=True, organisation__kind=Organisation.Kind.SUPPLIER
        ).values_list("pk", flat=True)
    )
    above = {branch_code(cpv_prefix(code)[:n]) for code in wanted for n in range(2, 9)}
    tiers = [lambda code: code in above]
    heads_seen: list[set[str]] = []
    for depth in (5, 4, 3, 2):
        heads = {cpv_prefix(branch_code(cpv_prefix(code)[:depth])) for code in wanted}
        if heads not in heads_seen:
            heads_seen.append(heads)
            tiers.append(lambda code, heads=heads: any(code.startswith(h) for h in heads))
    seen: set[int] = set()
    found = 0
    rows: dict[int, set[str]] = {}
    for n, in_tier in enumerate(tiers):
        if n and found >= candidates.WIDE_ENOUGH:
            break
        read = [(code, pk) for code, pk in links if in_tier(code)][: candidates.TIER_ROWS]
        firms = {pk for _code, pk in read}
        found += len((firms - seen) & listed)
        seen |= firms
        for code, pk in read:
            if pk in listed:
                rows.setdefault(pk, set()).add(code)
    return rows


@pytest.mark.parametrize("cut", [(6, 15, 40), (100, 400, 3000), (100, 30, 3000)])
def test_the_tiers_read_the_rows_the_rule_says(market, monkeypatch, cut):
    # given tiers cut small, and a gate that lets some tiers through and stops others
    _shortlist, wide_enough, tier_rows = cut
    monkeypatch.setattr(candidates, "WIDE_ENOUGH", wide_enough)
    monkeypatch.setattr(candidates, "TIER_ROWS", tier_rows)
    for wanted in WANTED:
        # when the statement reads the tiers (listed firms checked only as far as it needs)
        found = candidates.candidate_codes(wanted)
        # then its rows are the rule's, worked out from every link in Python
        assert {pk: set(codes) for pk, codes in found.items()} == _python_tiers(wanted), wanted
        assert found, wanted


@pytest.mark.parametrize("cut", [(6, 15, 40), (100, 400, 3000), (10, 30, 3000)])
def test_the_statement_ranks_as_the_python_scorer_does(market, monkeypatch, cut):
    # given shortlists and tiers small enough to cut the candidates, or the real ones
    shortlist, wide_enough, tier_rows = cut
    monkeypatch.setattr(candidates, "SHORTLIST", shortlist)
    monkeypatch.setattr(candidates, "WIDE_ENOUGH", wide_enough)
    monkeypatch.setattr(candidates, "TIER_ROWS", tier_rows)
    counties = {"3201": "32", "0301": "03", "4601": "46"}
    for wanted in WANTED:
        for where in [(), ("3201",), ("0301", "4601")]:
            facts = OpportunityFacts(
                kind="tender",
                pk=1,
                title="",
                cpv_codes=wanted,
                municipalities=frozenset(where),
                counties=frozenset(counties[number] for number in where),
            )
            # when the statement ranks them
            found = candidates.shortlist(facts)
            # then the firms and their order are those of cpv_fit, area_fit and the weights
            assert found == _python_shortlist(facts), (wanted, where)
            assert found, (wanted, where)  # every case has candidates to compare


def test_the_fit_table_gives_cpv_fit_for_every_code(db):
    # given every code of the tree, and wanted codes with a zero inside their significant digits
    for wanted in WANTED:
        exact, ranges = candidates._fit_tables(wanted)
        table = dict(exact)
        for code in CODES:
            # when a code's points are read from the tables as the statement reads them
            inside = [points for low, high, points in ranges if low <= code <= high]
            points = table[code] if code in table else max(inside, default=0.0)
            # then they are cpv_fit's
            assert points == cpv_fit(wanted, (code,)).points, (wanted, code)


def test_the_suppliers_shown_are_those_the_full_scoring_puts_first(market):
    # given a tender in Bærum with fewer candidates than any shortlist holds
    places = market
    tender = TenderFactory(
        published=True,
        main_cpv=cpv_code("45233141"),
        municipalities=[places[0]],
        title="Vedlikehold av veier",
        description="Asfalt og vei.",
    )
    # when its best suppliers are read
    shown = suppliers_for(tender, limit=20)
    # then they are the best 20 of every candidate scored in full and explained in Python
    opportunity = opportunity_of(tender)
    facts = opportunity.facts
    ids = list(candidates.candidate_codes(facts.cpv_codes))
    assert 20 < len(ids) <= 40  # nothing is cut, and the text scores are asked about them all
    texts = text_relevance("supplier", text_of(tender), ids)
    firms = supplier_facts(ids)
    exact = [
        (
            score(
                firms[pk],
                facts,
                text=texts.get(pk, 0.0),
                cpv_names=opportunity.cpv_names,
                places=opportunity.places,
            ),
            pk,
        )
        for pk in ids
    ]
    best = sorted(exact, key=lambda pair: (-pair[0].total, pair[1]))[:20]
    assert [(m.obj.pk, m.score) for m in shown] == [(pk, result) for result, pk in best]
