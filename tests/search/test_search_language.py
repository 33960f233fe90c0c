"""Site search in one language at a time (issue 18): a page in Bokmål lists the Bokmål tree's
CMS pages, a page in English the English tree's; tenders, needs and suppliers (written by people
in one language) are listed in both, their title and excerpt marked with their own ``lang`` when
it is not the page's. Hits, totals and facet counts count the same documents, on every path:
SQLite and PostgreSQL (exact, bounded walk, the empty query), and Elasticsearch's body.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone, translation

from search.backends import pg_site_search
from search.backends.database import DatabaseBackend
from search.backends.es_bodies import site_search_body
from search.index_entries import Document, Kind
from search.models import SearchDocument
from search.queries import SiteQuery

NOW = timezone.now()


def _page(pk: int, language: str, title: str, days: int = 0) -> Document:
    prefix = "/en" if language == "en" else ""
    return Document(
        kind=Kind.PAGE,
        object_id=pk,
        title=title,
        body=f"{title}. Skole og barnehage.",
        language=language,
        url=f"{prefix}/side-{pk}/",
        status="live",
        source="cms",
        date=NOW - datetime.timedelta(days=days),
    )


def _tender(pk: int, title: str, days: int = 0) -> Document:
    return Document(
        kind=Kind.TENDER,
        object_id=pk,
        title=title,
        body="Skole og barnehage i Asker.",
        language="nb",
        url=f"/konkurranser/{pk}/",
        status="published",
        source="own",
        cpv_codes=("80000000",),
        counties=("32",),
        date=NOW - datetime.timedelta(days=days),
    )


@pytest.fixture
def both_trees(db):
    backend = DatabaseBackend()
    backend.index_documents(
        [
            _page(1, "nb", "Om skoleanskaffelser"),
            _page(2, "en", "About school procurement"),
            _page(3, "nb", "Skolemat", days=3),
            _tender(10, "Skolebygg i Asker", days=1),
        ]
    )
    return backend


def _found(results) -> set[tuple[str, int]]:
    return {(hit.kind, hit.object_id) for hit in results.hits}


def _counts(results, name: str) -> dict[str, int]:
    return {facet.value: facet.count for facet in results.facets.get(name, ())}


@pytest.mark.parametrize("text", ["skole", ""])
def test_bokmal_lists_bokmal_pages_and_every_tender(both_trees, text):
    results = both_trees.search(SiteQuery(text, language="nb"))

    assert _found(results) == {("page", 1), ("page", 3), ("tender", 10)}
    assert results.total == 3
    assert _counts(results, "kind") == {"page": 2, "tender": 1}
    assert _counts(results, "source") == {"cms": 2, "own": 1}
    assert {hit.object_id: hit.lang for hit in results.hits} == {1: "", 3: "", 10: ""}


@pytest.mark.parametrize("text", ["school skole", "skole", ""])
def test_english_lists_english_pages_and_marks_bokmal_tenders(both_trees, text):
    results = both_trees.search(SiteQuery(text, language="en"))

    if text == "school skole":  # every word must match: only the English page holds both
        assert _found(results) == {("page", 2)}
        return
    assert _found(results) == {("page", 2), ("tender", 10)}
    assert results.total == 2
    assert _counts(results, "kind") == {"page": 1, "tender": 1}
    assert _counts(results, "county") == {"32": 1}
    assert {hit.object_id: hit.lang for hit in results.hits} == {2: "", 10: "nb"}


def test_a_filtered_search_counts_the_other_facets_in_the_language_only(both_trees):
    results = both_trees.search(SiteQuery("skole", kinds=("page",), language="en"))

    assert _found(results) == {("page", 2)}
    assert results.total == 1
    # The kind facet counts every kind but applies the language.
    assert _counts(results, "kind") == {"page": 1, "tender": 1}


def test_the_query_takes_the_active_language_unless_given(db):
    with translation.override("en"):
        assert SiteQuery("skole").language == "en"
        assert SiteQuery("skole", language="nb").language == "nb"
    with translation.override("nb"):
        assert SiteQuery("skole").language == "nb"
    assert SiteQuery("skole", language="de").language == "nb"


def test_the_english_page_shows_english_pages_and_marks_bokmal_text(client, both_trees):
    html = client.get("/en/sok/", {"q": "skole"}).content.decode()

    assert "/en/side-2/" in html
    assert "/side-1/" not in html
    assert "Skolemat" not in html
    heading = html[html.index("/konkurranser/10/") - 200 : html.index("/konkurranser/10/")]
    assert '<h3 class="ds-heading" data-size="xs" lang="nb">' in heading
    assert 'search-hit__excerpt" lang="nb">' in html


def test_the_bokmal_page_shows_bokmal_pages_without_lang(client, both_trees):
    html = client.get("/sok/", {"q": "skole"}).content.decode()

    assert "/side-1/" in html
    assert "/en/side-2/" not in html
    assert ' lang="' not in html.split('id="results-heading"', 1)[-1].split("</main>")[0]


def test_the_elasticsearch_body_filters_pages_by_language_in_the_query_not_the_post_filter():
    for text in ("skole", ""):
        body = site_search_body(SiteQuery(text, kinds=("page",), language="en"))

        language = {
            "bool": {
                "should": [
                    {"bool": {"must_not": [{"term": {"kind": "page"}}]}},
                    {"term": {"language": "en"}},
                ]
            }
        }
        assert body["query"]["bool"]["filter"] == [language]
        assert language not in body["post_filter"]["bool"]["filter"]
        assert "language" in body["_source"]


@pytest.fixture
def broad_pages(db, monkeypatch):
    """More pages of each language than the bounds let the exact path count (PostgreSQL)."""
    if connection.vendor != "postgresql":
        pytest.skip("the bounded walk and the precomputed frequencies are PostgreSQL's")
    monkeypatch.setattr(pg_site_search, "EXACT_UP_TO", 5)
    monkeypatch.setattr(pg_site_search, "CANDIDATES", 6)
    monkeypatch.setattr(pg_site_search, "WALK_ROWS", 1000)
    backend = DatabaseBackend()
    documents = [_page(pk, "nb", f"Skole nummer {pk}", days=pk) for pk in range(1, 21)]
    documents += [_page(pk, "en", f"School number {pk}", days=pk) for pk in range(21, 29)]
    documents += [_tender(100 + n, f"Skolebygg {n}", days=n) for n in range(4)]
    backend.index_documents(documents)
    return backend


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_bounded_walk_and_its_totals_see_the_language_only(broad_pages, language):
    results = broad_pages.search(SiteQuery("skole", language=language))

    pages = {pk for kind, pk in _found(results) if kind == "page"}
    assert pages
    assert all((pk <= 20) == (language == "nb") for pk in pages)
    expected = {"nb": {"page": 20, "tender": 4}, "en": {"page": 8, "tender": 4}}[language]
    # One word filtered by kind at most: the total and the kind counts from the frequencies.
    assert results.total == sum(expected.values())
    assert results.total_exact
    assert _counts(results, "kind") == expected


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_empty_query_counts_the_language_only(broad_pages, language):
    results = broad_pages.search(SiteQuery("", language=language))

    expected = {"nb": {"page": 20, "tender": 4}, "en": {"page": 8, "tender": 4}}[language]
    assert results.total == sum(expected.values())
    assert _counts(results, "kind") == expected
    assert all(
        hit.kind != "page" or (hit.object_id <= 20) == (language == "nb") for hit in results.hits
    )


def test_a_page_indexed_before_pages_carried_their_language_counts_as_bokmal(both_trees):
    """PostgreSQL keeps a page's language in its facet set; a row written before that (until
    ``search_index --rebuild --kind page``) is listed in Bokmål, the default, and not in English."""
    SearchDocument.objects.filter(kind="page", object_id=1).update(facet_values=[])

    bokmal = both_trees.search(SiteQuery("skole", language="nb"))
    english = both_trees.search(SiteQuery("skole", language="en"))

    assert ("page", 1) in _found(bokmal)
    assert ("page", 1) not in _found(english)
    assert _counts(english, "kind") == {"page": 1, "tender": 1}
