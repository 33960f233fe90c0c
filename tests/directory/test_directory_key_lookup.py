"""The directory's text search looks the ranked keys up in the filtered list one way on
PostgreSQL (one array of keys) and another on SQLite (a list of keys): both must keep exactly the
rows a plain ``pk__in`` keeps, and the search must answer as it did with ``pk__in``, whatever the
filters. The size and stage filters are plain columns and list each firm once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict

from marketplace.models import SupplierProfile
from marketplace.selectors.suppliers import directory_profiles
from search.backends import database, pg_site_search
from search.backends.database import DatabaseBackend, _having
from search.filters import SupplierDirectoryFilter
from search.index_entries import Kind
from search.indexing import rebuild
from search.queries import SupplierQuery
from tests.directory.firm_kinds import FIRM_KINDS
from tests.factories import ListedSupplierProfileFactory, SupplierFactory

pytestmark = pytest.mark.django_db

FILTERS = [
    "",
    "sme_category=micro",
    "sme_category=micro&sme_category=small",
    "stage=startup&stage=established",
    "sme_category=small&stage=established",
    "open_to_pilots=on",
]


@pytest.fixture
def firms():
    """Twelve firms that offer cleaning, of every size; two of them unlisted after indexing."""
    profiles = []
    for n in range(12):
        employees, turnover, stage = FIRM_KINDS[n % len(FIRM_KINDS)]
        profiles.append(
            ListedSupplierProfileFactory(
                organisation=SupplierFactory(name=f"Renhold {n:02d} AS"),
                description_nb="Vi tilbyr renhold av kontorer." + " Renhold." * (n % 3),
                description_en="",
                employee_band=employees,
                turnover_band=turnover,
                stage=stage,
                open_to_pilots=n % 4 == 1,
            )
        )
    rebuild(Kind.SUPPLIER)
    SupplierProfile.objects.filter(pk__in=[profiles[3].pk, profiles[8].pk]).update(
        is_published=False
    )
    return profiles


def _filtered(query: str):
    found = SupplierDirectoryFilter(QueryDict(query), queryset=directory_profiles())
    return found.qs.order_by()


@pytest.mark.parametrize("query", FILTERS)
def test_the_key_lookup_keeps_what_pk_in_keeps(firms, query):
    every = [profile.pk for profile in firms]
    for ids in (every, every[::-1][:5], [every[3], every[8]], [max(every) + 100], []):
        # given
        queryset = _filtered(query)

        # when
        kept = list(_having(queryset, ids).values_list("pk", flat=True))

        # then each row once, the same rows as pk__in
        assert len(kept) == len(set(kept))
        assert set(kept) == set(queryset.filter(pk__in=ids).values_list("pk", flat=True))


@pytest.mark.parametrize("query", FILTERS)
@pytest.mark.parametrize("broad", [False, True])
def test_the_search_answers_as_it_did_with_pk_in(firms, query, broad, monkeypatch):
    # given small bounds, so the broad case walks the newest matches and looks up in chunks
    if broad:
        monkeypatch.setattr(pg_site_search, "EXACT_UP_TO", 3)
        monkeypatch.setattr(pg_site_search, "CANDIDATES", 4)
    monkeypatch.setattr(database, "KEEP_CHUNK", 3)
    text = SupplierQuery("renhold")

    # when
    new = DatabaseBackend().search_suppliers(text, _filtered(query))
    with monkeypatch.context() as old_way:
        old_way.setattr(database, "_having", lambda queryset, ids: queryset.filter(pk__in=ids))
        old = DatabaseBackend().search_suppliers(text, _filtered(query))

    # then the same firms in the same order, the same total and bound
    assert new.ids == old.ids
    assert [p.pk for p in new.queryset] == [p.pk for p in old.queryset]
    assert (new.total, new.bounded) == (old.total, old.bounded)


def test_several_sizes_and_stages_list_each_firm_once(firms):
    listed = {profile.pk for profile in firms} - {firms[3].pk, firms[8].pk}

    found = list(
        _filtered(
            "sme_category=micro&sme_category=small&sme_category=medium&sme_category=large"
            "&stage=startup&stage=established&stage=scaleup&stage=large"
        ).values_list("pk", flat=True)
    )

    assert sorted(found) == sorted(listed)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ranked list")
@pytest.mark.parametrize("query", FILTERS)
@pytest.mark.parametrize("window", [1, 2, 4, 5, 20])
def test_the_start_of_the_ranked_list_answers_as_the_whole_list(firms, query, window, monkeypatch):
    # given a window and chunks so small that the start of the list (6 of 12 matches for
    # windows up to 3, 9 for 4, 12 for 5) may or may not fill the window under each filter
    monkeypatch.setattr(database, "SUPPLIER_WINDOW", window)
    monkeypatch.setattr(database, "KEEP_CHUNK", 3)
    text = SupplierQuery("renhold")
    backend = DatabaseBackend()

    # when
    new = backend.search_suppliers(text, _filtered(query))
    whole = pg_site_search.every_match(Kind.SUPPLIER, "renhold")
    old = backend._best_kept(_filtered(query), whole)

    # then
    assert len(whole) == 12
    assert new.ids == old.ids
    assert (new.total, new.bounded) == (old.total, old.bounded)
