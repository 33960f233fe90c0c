"""The directory's text filter on PostgreSQL chooses as the site search does
(``pg_site_search.broad_word``): a broad word is ranked among its newest matches, a rare one
exactly. The bounds are set small here so a handful of profiles is "broad"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from marketplace.models import SupplierProfile
from search.backends import pg_site_search
from search.backends.database import DatabaseBackend
from search.index_entries import Kind
from search.indexing import rebuild
from search.queries import SupplierQuery
from tests.factories import ListedSupplierProfileFactory, SupplierFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's walk"),
]


@pytest.fixture
def cleaners():
    """Seven profiles that say "renhold", oldest first: the newest (unlisted after indexing, as
    if the index had not caught up), two with the word in their name, four in a description."""
    names = [
        "Eldst Renhold AS",
        "Alfa AS",
        "Beta AS",
        "Gamma AS",
        "Delta AS",
        "Nyere Renhold AS",
        "Skjult AS",
    ]
    start = timezone.now() - dt.timedelta(days=30)
    profiles = []
    for day, name in enumerate(names):
        profile = ListedSupplierProfileFactory(
            organisation=SupplierFactory(name=name),
            description_nb="Vi tilbyr renhold av kontorer.",
            description_en="",
        )
        SupplierProfile.objects.filter(pk=profile.pk).update(
            created_at=start + dt.timedelta(days=day)
        )
        profiles.append(profile)
    ListedSupplierProfileFactory(organisation=SupplierFactory(name="Annet AS"))
    rebuild(Kind.SUPPLIER)
    SupplierProfile.objects.filter(pk=profiles[-1].pk).update(is_published=False)
    return {profile.organisation.name: profile for profile in profiles}


def _names(result) -> list[str]:
    return [profile.organisation.name for profile in result.queryset]


def test_a_broad_word_is_ranked_among_its_newest_matches_and_only_listed_ones(
    cleaners, monkeypatch
):
    # given "renhold" counts as broad, and 4 candidates are the newest 4 matches
    monkeypatch.setattr(pg_site_search, "EXACT_UP_TO", 3)
    monkeypatch.setattr(pg_site_search, "CANDIDATES", 4)

    # when
    result = DatabaseBackend().search_suppliers(
        SupplierQuery("renholdet"), SupplierProfile.objects.published()
    )

    # then the newest match is unlisted and left out, the next listed match taking its place
    # (the candidates are the newest 4 that the listed profiles hold); the word in a name ranks
    # first, the rest by key
    assert _names(result) == ["Nyere Renhold AS", "Beta AS", "Gamma AS", "Delta AS"]
    assert result.total == 4
    assert result.bounded  # more match than are listed


def test_filters_that_leave_few_of_the_candidates_find_every_match_in_them(cleaners, monkeypatch):
    monkeypatch.setattr(pg_site_search, "EXACT_UP_TO", 3)
    monkeypatch.setattr(pg_site_search, "CANDIDATES", 4)
    oldest = [cleaners["Eldst Renhold AS"].pk, cleaners["Alfa AS"].pk]

    result = DatabaseBackend().search_suppliers(
        SupplierQuery("renhold"), SupplierProfile.objects.published().filter(pk__in=oldest)
    )

    assert _names(result) == ["Eldst Renhold AS", "Alfa AS"]


def test_a_rare_word_finds_every_listed_match_exactly(cleaners, monkeypatch):
    # given at most 6 can match: found whole through GIN, whatever the candidate bound
    monkeypatch.setattr(pg_site_search, "EXACT_UP_TO", 10)
    monkeypatch.setattr(pg_site_search, "CANDIDATES", 4)

    result = DatabaseBackend().search_suppliers(
        SupplierQuery("renhold"), SupplierProfile.objects.published()
    )

    names = _names(result)
    assert names[:2] == ["Eldst Renhold AS", "Nyere Renhold AS"]
    assert sorted(names[2:]) == ["Alfa AS", "Beta AS", "Delta AS", "Gamma AS"]
    assert result.total == 6
    assert not result.bounded


def test_the_directory_page_lists_the_ranked_candidates(cleaners, client, monkeypatch):
    monkeypatch.setattr(pg_site_search, "EXACT_UP_TO", 3)
    monkeypatch.setattr(pg_site_search, "CANDIDATES", 4)

    response = client.get("/leverandorer/", {"q": "renhold"})

    assert response.status_code == 200
    assert [p.organisation.name for p in response.context["suppliers"]] == [
        "Nyere Renhold AS",
        "Beta AS",
        "Gamma AS",
        "Delta AS",
    ]
    page = response.content.decode()
    assert "Skjult AS" not in page
    # the heading never gives the candidates as the number that match
    assert "Minst 4 leverandører" in page
    assert "Legg til et ord eller et filter" in page


def test_the_directory_page_gives_an_exact_total_for_a_rare_word(cleaners, client, monkeypatch):
    monkeypatch.setattr(pg_site_search, "EXACT_UP_TO", 10)

    response = client.get("/en/leverandorer/", {"q": "renhold"})

    page = response.content.decode()
    assert "6 suppliers" in page
    assert "At least" not in page
