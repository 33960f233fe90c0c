"""The site search's cheap paths on PostgreSQL: precomputed frequencies and facet set counts,
the bounded candidate set for broad words, and input with no word to search for.

The bounds are set small here (``pg_site_search.CANDIDATES`` and friends) so that a corpus of a
few dozen documents takes the same paths as 120,000 documents do with the real bounds.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from search import index_entries as docs
from search.backends import db_search, pg_site_search
from search.backends.database import DatabaseBackend
from search.models import SearchDocument
from search.queries import SiteQuery
from tests.factories import NeedFactory, TenderFactory, cpv_code

URL = "/sok/"
HOSTILE = ["((((", "a", "%_%", "(" * 200, "\\\\ \\", "AND OR NOT", "x y z", "og i på", "_", "-"]


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("the precomputed frequencies and the bounded search are PostgreSQL's")


def _stored() -> tuple[dict, dict]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme, kind, ndoc FROM search_lexeme WHERE ndoc <> 0")
        lexemes = {(lexeme, kind): n for lexeme, kind, n in cursor.fetchall()}
        cursor.execute("SELECT id, ndoc FROM search_facetset WHERE ndoc <> 0")
        sets = dict(cursor.fetchall())
    return lexemes, sets


def _recounted() -> tuple[dict, dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l, kind, count(*) FROM search_searchdocument, "
            "unnest(tsvector_to_array(vector)) AS l WHERE vector IS NOT NULL GROUP BY 1, 2"
        )
        lexemes = {(lexeme, kind): n for lexeme, kind, n in cursor.fetchall()}
        cursor.execute("SELECT facetset, count(*) FROM search_searchmatch GROUP BY facetset")
        sets = dict(cursor.fetchall())
    return lexemes, sets


def test_the_frequencies_follow_index_remove_replace_update_and_truncate(postgres):
    # given
    roads = cpv_code("45233141", "Road-maintenance works", "Vedlikehold av veier")
    tenders = [
        TenderFactory(published=True, title=f"Brøyting av fylkesvei {n}", main_cpv=roads)
        for n in range(3)
    ]
    NeedFactory(open=True, title="Sensorer for brøyting", problem="Glatte fylkesveier.")
    backend = DatabaseBackend()
    for kind in docs.Kind.ALL:
        backend.rebuild(kind, docs.documents(kind))
    lexemes, sets = _stored()
    assert lexemes[("brøyting", "tender")] == 3
    assert lexemes[("brøyting", "need")] == 1
    assert sum(sets.values()) == SearchDocument.objects.count()
    assert (lexemes, sets) == _recounted()

    # when / then: each way the index changes
    tenders[0].title = "Asfaltering av gang- og sykkelvei"
    tenders[0].save()
    backend.index_documents([docs.build("tender", tenders[0])])
    assert _stored() == _recounted()
    assert _stored()[0][("brøyting", "tender")] == 2

    backend.remove_documents("tender", [tenders[1].pk])
    assert _stored() == _recounted()
    assert _stored()[0][("brøyting", "tender")] == 1

    backend.rebuild("tender", docs.documents("tender"))
    assert _stored() == _recounted()

    SearchDocument.objects.filter(kind="need").update(status="closed")
    assert _stored() == _recounted()

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks block TRUNCATE
        cursor.execute("TRUNCATE search_searchdocument CASCADE")
    assert _stored() == _recounted() == ({}, {})


@pytest.fixture
def broad(postgres, monkeypatch):
    """30 tenders and 5 needs that all say "vedlikehold" (every third tender in its title),
    tender n published n days ago; bounds small enough that the word counts as broad."""
    monkeypatch.setattr(pg_site_search, "EXACT_UP_TO", 5)
    monkeypatch.setattr(pg_site_search, "CANDIDATES", 10)
    monkeypatch.setattr(pg_site_search, "WALK_ROWS", 1000)
    roads = cpv_code("45233141", "Road-maintenance works", "Vedlikehold av veier")
    software = cpv_code("72212000", "Programming services of application software", "Programmering")
    now = timezone.now()
    tenders = [
        TenderFactory(
            published=True,
            title=f"Vedlikehold av vei {n}" if n % 3 == 0 else f"Oppdrag for vei {n}",
            description="Drift og vedlikehold av veinettet.",
            main_cpv=roads if n % 2 else software,
            published_at=now - datetime.timedelta(days=n),
        )
        for n in range(30)
    ]
    for n in range(5):
        NeedFactory(open=True, title=f"Behov {n}", problem="Bedre vedlikehold av veier.")
    backend = DatabaseBackend()
    for kind in docs.Kind.ALL:
        backend.rebuild(kind, docs.documents(kind))
    return backend, tenders


def _ids(results) -> list[tuple[str, int]]:
    return [(hit.kind, hit.object_id) for hit in results.hits]


def test_a_broad_word_ranks_the_newest_candidates_and_counts_its_total_exactly(broad):
    backend, tenders = broad
    everything = db_search.portable_search(SiteQuery("vedlikehold", per_page=100), backend_name="")
    score = {(hit.kind, hit.object_id): hit.score for hit in everything.hits}
    newest = [  # the 10 newest matches, sorted as PostgreSQL sorts them
        row
        for row in SearchDocument.objects.order_by("-date", "-id")
        if (row.kind, row.object_id) in score
    ][:10]
    expected = [
        (row.kind, row.object_id)
        for row in sorted(newest, key=lambda row: -score[(row.kind, row.object_id)])
    ]

    results = backend.search(SiteQuery("vedlikehold", per_page=20))

    # then: the best ranked of the 10 newest matches, and no older one
    assert _ids(results) == expected
    assert ("tender", tenders[12].pk) not in _ids(results)  # a title match, but older
    assert results.ranked_among == 10
    # one word: the total and the counts per kind come from the frequencies, exactly
    assert results.total == 35 and results.total_exact
    assert {f.value: f.count for f in results.facets["kind"]} == {"tender": 30, "need": 5}
    # the other facets are counted among the candidates, and the page may say so
    assert results.counted_among == 10
    assert sum(f.count for f in results.facets["status"]) == 10


def test_a_broad_pair_of_words_gives_an_estimate_and_says_so(broad):
    backend, _tenders = broad

    results = backend.search(SiteQuery("vedlikehold vei", kinds=["tender"]))

    # every tender matches both words, so the share seen (10 of the 10 newest) is exact
    assert results.total == 30 and not results.total_exact
    assert len(results.hits) == 10 and {hit.kind for hit in results.hits} == {"tender"}
    # the kind facet ignores its own filter: counted among the 10 newest matches of any kind
    kinds = {f.value: f.count for f in results.facets["kind"]}
    assert sum(kinds.values()) == 10 and kinds["tender"] >= 1


def test_a_walk_that_finds_too_few_finds_every_match_instead(broad, monkeypatch):
    backend, _tenders = broad
    monkeypatch.setattr(pg_site_search, "EXACT_UP_TO", 0)
    monkeypatch.setattr(pg_site_search, "WALK_ROWS", 2)  # 2 rows, then 8: both find too few
    query = SiteQuery("vedlikehold", cpv_divisions=["45"])

    fast = backend.search(query)
    plain = db_search.portable_search(query, backend_name="database")

    assert fast.total == plain.total == 15 and fast.total_exact
    assert _ids(fast) == _ids(plain)
    assert fast.ranked_among is None


def test_a_rare_word_is_found_whole_and_exactly(broad, monkeypatch):
    backend, _tenders = broad
    monkeypatch.setattr(pg_site_search, "EXACT_UP_TO", 25)  # 20 tenders say "oppdrag"
    query = SiteQuery("oppdrag", per_page=5, page=2)

    fast = backend.search(query)
    plain = db_search.portable_search(query, backend_name="database")

    assert fast.total == plain.total == 20 and fast.total_exact
    assert _ids(fast) == _ids(plain)
    assert fast.facets == plain.facets
    assert fast.ranked_among is None and fast.counted_among is None


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_input_without_a_searchable_word_lists_everything_newest_first(db, text):
    # given
    now = timezone.now()
    for n in range(3):
        TenderFactory(
            published=True, title=f"Vei {n}", published_at=now - datetime.timedelta(days=n)
        )
    DatabaseBackend().rebuild("tender", docs.documents("tender"))

    # when
    query = SiteQuery(text)
    results = DatabaseBackend().search(query)

    # then: the same as no text at all, on every database
    assert query.is_empty and query.has_no_searchable_word
    everything = DatabaseBackend().search(SiteQuery(""))
    assert results.total == everything.total == 3
    assert [hit.title for hit in results.hits] == ["Vei 0", "Vei 1", "Vei 2"]
    assert results.facets == everything.facets


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_the_page_says_when_there_is_no_word_to_search_for(client, db, text):
    TenderFactory(published=True, title="Vei")
    DatabaseBackend().rebuild("tender", docs.documents("tender"))

    english = client.get("/en" + URL, {"q": text})
    bokmal = client.get(URL, {"q": text})

    assert english.status_code == bokmal.status_code == 200
    assert "has no words to search for" in english.content.decode()
    assert "ingen ord å søke etter" in bokmal.content.decode() or (
        "has no words to search for" in bokmal.content.decode()  # catalog not merged yet
    )


def test_the_page_says_when_a_total_is_an_estimate_and_counts_are_bounded(
    client, broad, monkeypatch
):
    english = client.get("/en" + URL, {"q": "vedlikehold vei", "kind": "tender"}).content.decode()
    monkeypatch.setattr(pg_site_search, "EXACT_UP_TO", 25)
    exact = client.get("/en" + URL, {"q": "oppdrag"}).content.decode()

    assert "About 30 results" in english
    assert "Counted among the 10 newest matches." in english
    assert "only the 10 newest matches are ranked" in english
    assert "20 results" in exact and "About" not in exact and "newest matches" not in exact
