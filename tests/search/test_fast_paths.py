"""The database backend's fast paths give the same answers as the plain ones.

PostgreSQL answers a site search from its precomputed frequencies and facet set counts
(``pg_site_search``) and the matcher's text relevance from the stored vectors; these tests hold
them to the portable ORM path and to the fresh-row scores on whichever database runs them.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from search import index_entries as docs
from search.backends import db_search
from search.backends.database import DatabaseBackend
from search.models import SearchDocument
from search.queries import SiteQuery
from tests.factories import (
    ListedSupplierProfileFactory,
    NeedFactory,
    SupplierFactory,
    TenderFactory,
    cpv_code,
    municipality,
)


@pytest.fixture
def county_corpus(db):
    roads = cpv_code("45233141", "Road-maintenance works", "Vedlikehold av veier")
    software = cpv_code("72212000", "Programming services of application software", "Programmering")
    asker = municipality("3203", "Asker")
    halden = municipality("3101", "Halden", county_number="31", county_name="Østfold")
    now = timezone.now()
    for n, (title, code, place, external) in enumerate(
        [
            ("Brøyting av fylkesvei nord", roads, asker, False),
            ("Brøyting av fylkesveier i sør", roads, halden, True),
            ("Strøing og brøyting av gang- og sykkelveier", roads, asker, False),
            ("Programvare for brøyting og timeplaner", software, halden, False),
            ("Skytjeneste for skoler", software, asker, True),
        ]
    ):
        TenderFactory(
            **({"external": True} if external else {"published": True}),
            title=title,
            description="Vinterdrift av fylkesveiene med brøyting.",
            main_cpv=code,
            municipalities=[place],
            published_at=now - datetime.timedelta(days=n),
        )
    need = NeedFactory(open=True, title="Sensorer for brøyting", problem="Glatte fylkesveier.")
    need.cpv_codes.set([roads])
    ListedSupplierProfileFactory(
        organisation=SupplierFactory(name="Vinterveg AS"),
        description_nb="Vi brøyter fylkesveier.",
        cpv_codes=[roads, software],
        delivery_municipalities=[asker],
    )
    backend = DatabaseBackend()
    for kind in docs.Kind.ALL:
        backend.rebuild(kind, docs.documents(kind))
    return backend


QUERIES = [
    SiteQuery("brøyting"),
    SiteQuery("brøyting", kinds=["tender"]),
    SiteQuery("brøyting", kinds=["tender", "need"], statuses=["published"]),
    SiteQuery("brøyting", cpv_divisions=["45"]),
    SiteQuery("brøyting", counties=["31"]),
    SiteQuery("brøyting fylkesvei", counties=["32"], cpv_divisions=["45", "72"]),
    SiteQuery("brøyting", kinds=["tender"], sources=["doffin"], cpv_divisions=["45"]),
    SiteQuery("brøyting", per_page=2, page=2),
    SiteQuery("fylkesveier", kinds=["supplier"]),
    # the list of everything (no searchable word): counted from the facet sets' counts
    SiteQuery(""),
    SiteQuery("((((", kinds=["tender"]),
    SiteQuery("", kinds=["tender", "need"], statuses=["published"]),
    SiteQuery("", counties=["32"], cpv_divisions=["45", "72"]),
    SiteQuery("", kinds=["tender"], sources=["doffin"], cpv_divisions=["45"]),
    SiteQuery("", per_page=2, page=2),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: repr(q.filters()))
def test_the_one_statement_search_equals_the_portable_one(county_corpus, query):
    fast = county_corpus.search(query)
    plain = db_search.portable_search(query, backend_name="database")

    assert fast.total == plain.total > 0
    assert [(hit.kind, hit.object_id) for hit in fast.hits] == [
        (hit.kind, hit.object_id) for hit in plain.hits
    ]
    assert [hit.score for hit in fast.hits] == pytest.approx([hit.score for hit in plain.hits])
    assert fast.facets == plain.facets


def test_rows_carry_their_facet_values_and_a_vector(county_corpus):
    supplier = SearchDocument.objects.get(kind="supplier")

    assert supplier.facet_values == ["county=32", "cpv_division=45", "cpv_division=72"]
    assert (supplier.vector is not None) is (connection.vendor == "postgresql")


@pytest.mark.django_db
def test_text_scores_mix_indexed_and_unindexed_objects_on_one_scale():
    indexed = TenderFactory(published=True, title="Brøyting av fylkesvei")
    DatabaseBackend().rebuild("tender", docs.documents("tender"))
    fresh = TenderFactory(published=True, title="Brøyting av fylkesvei")  # not indexed yet
    other = TenderFactory(published=True, title="Programvare for skoler")

    # by id, and among everything indexable (SQLite then reads only the documents that share a
    # word with the text)
    for among in ([indexed.pk, fresh.pk, other.pk], None):
        scores = DatabaseBackend().text_scores("tender", "brøyting fylkesvei", among=among)

        assert set(scores) == {indexed.pk, fresh.pk}
        assert scores[indexed.pk] == pytest.approx(scores[fresh.pk], abs=1e-6)
        assert 0 < scores[indexed.pk] <= 1


def _narrow_copy() -> dict[int, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.id, f.kind, f.status, f.source, f.facet_values::text, m.date, "
            "m.vector::text FROM search_searchmatch m JOIN search_facetset f ON f.id = m.facetset"
        )
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def _index_rows() -> dict[int, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, kind, status, source, facet_values::text, date, vector::text "
            "FROM search_searchdocument"
        )
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def test_the_narrow_copy_follows_every_write(county_corpus):
    tender = SearchDocument.objects.filter(kind="tender").order_by("id").first()
    db_search.remove("tender", [tender.object_id])
    county_corpus.rebuild("supplier", docs.documents("supplier"))
    SearchDocument.objects.filter(kind="need").update(status="closed")
    query = SiteQuery("brøyting")

    fast = county_corpus.search(query)
    plain = db_search.portable_search(query, backend_name="database")

    assert fast.total == plain.total > 0
    assert [(h.kind, h.object_id) for h in fast.hits] == [(h.kind, h.object_id) for h in plain.hits]
    assert fast.facets == plain.facets
    assert {c.value: c.count for c in fast.facets["status"]}["closed"] == 1
    if connection.vendor == "postgresql":
        # The search reads search_searchmatch: it holds exactly the index's rows, and a flush
        # (TRUNCATE) empties it with them.
        assert _narrow_copy() == _index_rows()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks block TRUNCATE
            cursor.execute("TRUNCATE search_searchdocument CASCADE")
        assert _narrow_copy() == {}
    else:
        # SQLite has no narrow copy: its search is the portable one.
        assert "search_searchmatch" not in connection.introspection.table_names()
