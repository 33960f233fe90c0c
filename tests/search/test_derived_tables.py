"""What the database keeps beside the index rows equals what it would compute from them afresh,
after each way the rows are written: a bulk rebuild (one statement for the whole kind), one
document indexed or removed, a many-row UPDATE that moves rows to a facet set not seen before,
and a row whose id changes.

PostgreSQL: the narrow copy ``search_searchmatch`` with its facet sets, and the counts in
``search_facetset.ndoc`` and ``search_lexeme`` (statement triggers, search migrations 0002 and
0004). SQLite: the FTS5 table, one entry per index row.
"""

from __future__ import annotations

import pytest
from django.db import connection

from search import index_entries as docs
from search.backends.database import DatabaseBackend
from search.models import SearchDocument, SearchFacet
from tests.factories import NeedFactory, TenderFactory, cpv_code

pytestmark = pytest.mark.django_db


def _kept() -> dict:
    """What the triggers (or, on SQLite, the FTS writer) keep."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("SELECT rowid FROM search_document_fts")
            return {"fts": sorted(row[0] for row in cursor.fetchall())}
        cursor.execute(
            "SELECT m.id, f.kind, f.status, f.source, f.facet_values::text, m.date, "
            "m.vector::text FROM search_searchmatch m JOIN search_facetset f ON f.id = m.facetset"
        )
        copies = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
        cursor.execute(
            "SELECT kind, status, source, facet_values::text, ndoc FROM search_facetset "
            "WHERE ndoc <> 0"
        )
        sets = {tuple(row[:4]): row[4] for row in cursor.fetchall()}
        cursor.execute("SELECT lexeme, kind, ndoc FROM search_lexeme WHERE ndoc <> 0")
        lexemes = {(lexeme, kind): n for lexeme, kind, n in cursor.fetchall()}
    return {"copies": copies, "sets": sets, "lexemes": lexemes}


def _from_scratch() -> dict:
    """The same, computed from ``search_searchdocument`` alone."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("SELECT id FROM search_searchdocument")
            return {"fts": sorted(row[0] for row in cursor.fetchall())}
        cursor.execute(
            "SELECT id, kind, status, source, facet_values::text, date, vector::text "
            "FROM search_searchdocument"
        )
        copies = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
        cursor.execute(
            "SELECT kind, status, source, facet_values::text, count(*) "
            "FROM search_searchdocument GROUP BY 1, 2, 3, 4"
        )
        sets = {tuple(row[:4]): row[4] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT l, kind, count(*) FROM search_searchdocument, "
            "unnest(tsvector_to_array(vector)) AS l WHERE vector IS NOT NULL GROUP BY 1, 2"
        )
        lexemes = {(lexeme, kind): n for lexeme, kind, n in cursor.fetchall()}
    return {"copies": copies, "sets": sets, "lexemes": lexemes}


@pytest.fixture
def indexed(db):
    roads = cpv_code("45233141", "Road-maintenance works", "Vedlikehold av veier")
    tenders = [
        TenderFactory(published=True, title=f"Brøyting av fylkesvei {n}", main_cpv=roads)
        for n in range(6)
    ]
    NeedFactory(open=True, title="Sensorer for brøyting", problem="Glatte fylkesveier.")
    backend = DatabaseBackend()
    for kind in docs.Kind.ALL:
        backend.rebuild(kind, docs.documents(kind))
    return backend, tenders


def test_a_bulk_rebuild_keeps_the_derived_tables_equal_to_a_fresh_computation(indexed):
    backend, _ = indexed
    kept = _kept()
    assert kept == _from_scratch()
    assert len(next(iter(kept.values()))) == SearchDocument.objects.count() >= 7

    # when: the same kind rebuilt again over its old rows, one document staged twice
    first, *rest = docs.documents("tender")
    renamed = docs.Document(**{**first.__dict__, "title": "Strøing av gangvei"})
    written = backend.rebuild("tender", [first, *rest, renamed])

    # then
    assert written == 6
    assert _kept() == _from_scratch()
    assert SearchDocument.objects.get(object_id=first.object_id, kind="tender").title == (
        "Strøing av gangvei"
    )


def test_one_document_indexed_or_removed_keeps_them_equal(indexed):
    backend, tenders = indexed
    before = SearchDocument.objects.count()
    tenders[0].title = "Asfaltering av gang- og sykkelvei"
    tenders[0].save()

    backend.index_documents([docs.build("tender", tenders[0])])
    assert _kept() == _from_scratch()

    backend.remove_documents("tender", [tenders[1].pk])
    assert _kept() == _from_scratch()
    assert SearchDocument.objects.count() == before - 1


def test_an_update_of_many_rows_into_a_new_facet_set_keeps_them_equal(indexed):
    # when: one statement moves five rows to a status no row had (a facet set made on the way)
    changed = SearchDocument.objects.filter(kind="tender").order_by("id")[:5]
    SearchDocument.objects.filter(id__in=[row.id for row in changed]).update(
        status="cancelled", facet_values=["county=99"]
    )

    # then
    kept = _kept()
    assert kept == _from_scratch()
    if connection.vendor == "postgresql":
        moved = {key: n for key, n in kept["sets"].items() if key[1] == "cancelled"}
        assert list(moved.values()) == [5]
        assert next(iter(moved))[3] == '["county=99"]'


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's FTS entries are written by the indexer, which never changes a row's id",
)
def test_a_row_whose_id_changes_keeps_them_equal(indexed):
    row = SearchDocument.objects.filter(kind="tender").order_by("id").first()
    new_id = SearchDocument.objects.order_by("-id").first().id + 100
    SearchFacet.objects.filter(document_id=row.id).delete()

    SearchDocument.objects.filter(id=row.id).update(id=new_id)

    kept = _kept()
    assert kept == _from_scratch()
    assert new_id in kept["copies"]
    assert row.id not in kept["copies"]
