"""The directory's text filter lists at most ``SUPPLIER_WINDOW`` profiles, best first, found
through the search index and looked up in the filtered list a chunk of keys at a time; the page
reads only its own rows by key and says "at least" when more match than are listed.

The bounds are set small here so a dozen profiles take the paths 100,000 do with the real ones.
"""

from __future__ import annotations

import pytest

from marketplace.models import SupplierProfile
from search.backends import database
from search.backends.database import DatabaseBackend
from search.index_entries import Kind
from search.indexing import rebuild
from search.queries import SupplierQuery
from tests.factories import ListedSupplierProfileFactory, SupplierFactory

pytestmark = pytest.mark.django_db

URL = "/en/leverandorer/"


@pytest.fixture
def cleaners():
    """Twelve firms that clean: the first four name it in their name (they rank first), the
    rest in a description; every third is open to pilots."""
    profiles = []
    for n in range(12):
        name = f"Renhold {n:02d} AS" if n < 4 else f"Firma {n:02d} AS"
        profiles.append(
            ListedSupplierProfileFactory(
                organisation=SupplierFactory(name=name),
                description_nb="Vi tilbyr renhold av kontorer." if n >= 4 else "Kontorer.",
                description_en="",
                open_to_pilots=n % 3 == 2,
            )
        )
    ListedSupplierProfileFactory(organisation=SupplierFactory(name="Annet AS"))
    rebuild(Kind.SUPPLIER)
    return profiles


@pytest.fixture
def small_window(monkeypatch):
    monkeypatch.setattr(database, "SUPPLIER_WINDOW", 5)
    monkeypatch.setattr(database, "KEEP_CHUNK", 3)


def _names(result) -> list[str]:
    return [profile.organisation.name for profile in result.queryset]


def test_the_best_of_every_match_are_listed_and_the_window_says_at_least(cleaners, small_window):
    result = DatabaseBackend().search_suppliers(
        SupplierQuery("renholdet"), SupplierProfile.objects.published()
    )

    names = _names(result)
    assert sorted(names[:4]) == [f"Renhold {n:02d} AS" for n in range(4)]
    assert len(names) == 5
    assert result.total == 5
    assert result.bounded
    assert list(result.ids) == [profile.pk for profile in result.queryset]


def test_a_narrow_filter_keeps_matches_beyond_the_first_chunks(cleaners, small_window):
    # given only firms open to pilots (n = 2, 5, 8, 11): the first chunk of three ranked
    # matches holds one of them, the rest lie further down the ranking
    published = SupplierProfile.objects.published().filter(open_to_pilots=True)

    result = DatabaseBackend().search_suppliers(SupplierQuery("renhold"), published)

    assert sorted(_names(result)) == ["Firma 05 AS", "Firma 08 AS", "Firma 11 AS", "Renhold 02 AS"]
    assert result.total == 4
    assert not result.bounded


def test_a_window_filled_exactly_by_the_last_match_is_not_bounded(cleaners, monkeypatch):
    monkeypatch.setattr(database, "SUPPLIER_WINDOW", 12)
    monkeypatch.setattr(database, "KEEP_CHUNK", 5)

    result = DatabaseBackend().search_suppliers(
        SupplierQuery("renhold"), SupplierProfile.objects.published()
    )

    assert result.total == 12
    assert not result.bounded


def test_the_page_lists_the_window_best_first_and_reads_only_its_rows(
    cleaners, small_window, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"q": "renhold"})

    names = [profile.organisation.name for profile in response.context["suppliers"]]
    assert sorted(names[:4]) == [f"Renhold {n:02d} AS" for n in range(4)]
    assert len(names) == 5
    html = response.content.decode()
    assert "At least 5 suppliers" in html
    assert "Annet AS" not in html


def test_sorting_by_name_keeps_the_listed_window(cleaners, small_window, client):
    response = client.get(URL, {"q": "renhold", "sort": "name"})

    names = [profile.organisation.name for profile in response.context["suppliers"]]
    assert names == sorted(names)
    assert len(names) == 5
    assert response.context["total"] == 5


def test_an_unlisted_match_is_never_shown(cleaners, small_window, client):
    SupplierProfile.objects.filter(pk=cleaners[0].pk).update(is_published=False)

    response = client.get(URL, {"q": "renhold"})

    names = [profile.organisation.name for profile in response.context["suppliers"]]
    assert "Renhold 00 AS" not in names
    assert len(names) == 5
