"""A broad word beside the directory's other filters (PostgreSQL): its candidates are its newest
``CANDIDATES`` matches that pass the filters, ranked as without filters (best first, then by key),
"at least" when more pass; when no more pass, every match, ranked as the GIN path ranks them
(best first, then by title). Each answer is compared with one computed here with the ORM. A rare
word beside the same filters answers as before. The bounds are set small so a few dozen profiles
hold a "broad" word."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone

from marketplace.models import SupplierProfile
from marketplace.selectors.suppliers import directory_profiles
from search.backends import pg_site_search
from search.backends.database import DatabaseBackend
from search.backends.db_fulltext import RANK_WEIGHTS, query_terms
from search.filters import SupplierDirectoryFilter
from search.index_entries import Kind
from search.indexing import rebuild
from search.models import SearchDocument
from search.queries import SupplierQuery
from tests.directory.firm_kinds import FIRM_KINDS
from tests.factories import ListedSupplierProfileFactory, SupplierFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's walk"),
]

FILTERS = [
    "",
    "cpv=45000000",
    "cpv=72000000",
    "municipality=3201",
    "sme_category=micro",
    "stage=startup&stage=established",
    "open_to_pilots=on",
    "cpv=72000000&sme_category=micro",
    "municipality=3201&stage=scaleup",
    "cpv=45000000&municipality=3203&stage=scaleup",
]


@pytest.fixture
def firms(cpv, places):
    """Forty firms that offer cleaning, three a day, of every size and stage, under two CPV
    divisions and in two places; some with the word in their name or twice in a description
    (ranked higher), many alike (ties broken by key or by title); four unlisted after indexing,
    as if the index had not caught up."""
    start = timezone.now() - dt.timedelta(days=60)
    profiles = []
    for n in range(40):
        employees, turnover, stage = FIRM_KINDS[n % 4]
        name = f"Renhold {n:02d} AS" if n % 7 == 0 else f"Firma {(n * 17) % 40:02d} AS"
        profile = ListedSupplierProfileFactory(
            organisation=SupplierFactory(name=name),
            description_nb="Vi tilbyr renhold av kontorer." + " Renhold." * (n % 3 == 1),
            description_en="",
            employee_band=employees,
            turnover_band=turnover,
            stage=stage,
            open_to_pilots=n % 5 == 2,
            cpv_codes=[cpv["45000000"] if n % 3 else cpv["72212000"]],
            delivery_municipalities=[places["baerum"] if n % 2 else places["asker"]],
            delivers_nationwide=n % 11 == 0,
        )
        # three firms a day: the walk's order among them is the document key's
        created = start + dt.timedelta(days=n // 3)
        SupplierProfile.objects.filter(pk=profile.pk).update(created_at=created)
        profiles.append(profile)
    ListedSupplierProfileFactory(organisation=SupplierFactory(name="Annet AS"))
    rebuild(Kind.SUPPLIER)
    unlisted = [profiles[n].pk for n in (39, 30, 17, 4)]
    SupplierProfile.objects.filter(pk__in=unlisted).update(is_published=False)
    return profiles


@pytest.fixture
def broad(monkeypatch):
    """Every word with more than 3 matches is broad; the candidates are set per test."""
    monkeypatch.setattr(pg_site_search, "EXACT_UP_TO", 3)
    return monkeypatch


def _filtered(query: str):
    found = SupplierDirectoryFilter(QueryDict(query), queryset=directory_profiles())
    return found.qs.order_by()


def _reference(queryset, text: str, candidates: int) -> tuple[list[int], bool]:
    """The answer the rule gives, from the ORM: the newest ``candidates`` matches that
    ``queryset`` holds (the newest walk's order: date, newest and undated first, then key),
    ranked best first then by key; or, when no more match, every match best first then by title
    and key."""
    tsquery = SearchQuery(" ".join(query_terms(text)), config="norwegian", search_type="plain")
    matches = SearchDocument.objects.filter(
        kind=Kind.SUPPLIER, object_id__in=queryset.values("pk"), vector=tsquery
    ).annotate(rank=SearchRank(F("vector"), tsquery, weights=RANK_WEIGHTS))
    newest = list(
        matches.order_by(F("date").desc(nulls_first=True), "id").values_list("object_id", "rank")[
            : candidates + 1
        ]
    )
    if len(newest) > candidates:
        best = sorted(newest[:candidates], key=lambda row: (-row[1], row[0]))
        return [pk for pk, _rank in best], True
    every = matches.order_by("-rank", "title", "object_id").values_list("object_id", flat=True)
    return list(every), False


@pytest.mark.parametrize("candidates", [5, 12, 100])
@pytest.mark.parametrize("query", FILTERS)
def test_a_broad_word_beside_filters_is_ranked_among_its_newest_matches_that_pass_them(
    firms, broad, query, candidates
):
    # given "renhold" is broad and the candidates are its newest few, many or all matches
    broad.setattr(pg_site_search, "CANDIDATES", candidates)
    queryset = _filtered(query)
    expected, more = _reference(queryset, "renholdet", candidates)
    assert expected  # every filter here keeps some match

    # when
    result = DatabaseBackend().search_suppliers(SupplierQuery("renholdet"), queryset)

    # then the newest matches that pass, ranked; "at least" when more pass
    assert list(result.ids) == expected
    assert [profile.pk for profile in result.queryset] == expected
    assert result.total == len(expected)
    assert result.bounded is more


def test_the_filters_choose_the_candidates_not_the_newest_matches_of_all(firms, broad):
    # given the newest 5 matches of all, of which a micro-firm filter keeps only a few
    broad.setattr(pg_site_search, "CANDIDATES", 5)
    micro = _filtered("sme_category=micro")
    everyone = DatabaseBackend().search_suppliers(SupplierQuery("renhold"), _filtered(""))

    # when
    result = DatabaseBackend().search_suppliers(SupplierQuery("renhold"), micro)

    # then a full window of micro firms, more of them than the newest 5 of all hold
    kept = set(micro.filter(pk__in=everyone.ids).values_list("pk", flat=True))
    assert len(kept) < 5
    assert len(result.ids) == 5
    assert kept < set(result.ids)
    assert set(result.ids) <= set(micro.values_list("pk", flat=True))
    assert result.bounded


def test_a_broad_word_that_nothing_under_the_filters_holds_looks_for_titles_alike(firms, broad):
    # given the firm named "Renhold 07 AS" and no firm with "renholdsfirma" in its text
    broad.setattr(pg_site_search, "CANDIDATES", 5)
    queryset = _filtered("").filter(organisation__name="Renhold 07 AS")

    # when a broad word with no full-text match under the filter: the typo path, as before
    result = DatabaseBackend().search_suppliers(SupplierQuery("kontorer renhold"), queryset)
    none = DatabaseBackend().search_suppliers(SupplierQuery("renhold"), queryset.none())

    # then
    assert [profile.organisation.name for profile in result.queryset] == ["Renhold 07 AS"]
    assert list(none.queryset) == []


@pytest.mark.parametrize("query", FILTERS)
def test_a_rare_word_beside_filters_answers_as_every_match_ranked(firms, monkeypatch, query):
    # given "renhold" is rare (found whole through GIN), however small the candidates
    monkeypatch.setattr(pg_site_search, "EXACT_UP_TO", 1000)
    monkeypatch.setattr(pg_site_search, "CANDIDATES", 5)
    queryset = _filtered(query)
    expected, _more = _reference(queryset, "renhold", 1000)

    # when
    result = DatabaseBackend().search_suppliers(SupplierQuery("renhold"), queryset)

    # then every match, best first, then by title
    assert list(result.ids) == expected
    assert not result.bounded
