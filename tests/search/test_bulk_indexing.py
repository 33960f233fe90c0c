"""A rebuild's fast path: documents read in bulk equal those built from one instance, and the
rows PostgreSQL's COPY path writes equal, vector for vector, those the row-by-row path writes."""

from __future__ import annotations

import pytest
from django.db import connection

from marketplace.models import County
from search import index_entries as docs
from search.backends import db_search
from search.backends.database import DatabaseBackend
from search.models import SearchDocument, SearchFacet
from search.text import stem
from tests.factories import (
    ListedSupplierProfileFactory,
    LotFactory,
    SupplierFactory,
    TenderFactory,
    cpv_code,
    municipality,
)

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's"
)


@pytest.fixture
def varied(db, buyer, buyer_unit):
    """Suppliers and tenders with every part a document reads, some parts empty, some odd."""
    roads = cpv_code("45233141", "Road-maintenance works", "Vedlikehold av veier")
    it = cpv_code("72000000", "IT services", "IT-tjenester")
    waste = cpv_code("90500000", "Refuse and waste related services", "Avfallstjenester")
    baerum = municipality("3201", "Bærum")
    asker = municipality("3203", "Asker")
    oslo = municipality("0301", "Oslo", county_number="03", county_name="Oslo")
    viken, _ = County.objects.get_or_create(number="30", defaults={"name": "Viken"})
    ListedSupplierProfileFactory(
        organisation=SupplierFactory(name="Brøyting & Strøing AS"),
        description_nb="Vi brøyter fylkesveier <b>hele</b> vinteren.",
        description_en="We plough county roads.",
        keywords=["brøyting", "salt", 42],
        cpv_codes=[waste, roads],
        delivery_municipalities=[asker, oslo],
        delivery_counties=[viken],
        municipality=baerum,
    )
    ListedSupplierProfileFactory(
        organisation=SupplierFactory(name="Tom AS"), description_nb="", description_en=""
    )
    ListedSupplierProfileFactory(organisation=SupplierFactory(name="Skjult AS"), is_published=False)
    tender = TenderFactory(
        published=True,
        buyer=buyer,
        unit=buyer_unit,
        title="Vintervedlikehold av fylkesveier",
        main_cpv=roads,
        additional_cpv=[waste, it],
        municipalities=[baerum, oslo],
        external_cpv_codes=["45233141-4", 7, "90500000"],
    )
    LotFactory(tender=tender, number=2, title="Øst", description="Asker &amp; Bærum")
    LotFactory(tender=tender, number=1, title="Vest", description="<p>Drammen</p>")
    TenderFactory(published=True, buyer=buyer, unit=None, main_cpv=None, title="Uten kode")
    TenderFactory(external=True, title="Fra Doffin", main_cpv=it)
    TenderFactory(published=True, reference="ÅFK 2026/7", title="Adresse med tegn")
    TenderFactory(title="Utkast")  # a draft: never indexed


@pytest.mark.parametrize("kind", [docs.Kind.SUPPLIER, docs.Kind.TENDER])
def test_documents_in_bulk_equal_documents_built_from_each_instance(varied, kind):
    one_by_one = [docs.build(kind, obj) for obj in docs.indexable(kind).order_by("pk")]

    in_bulk = list(docs.documents(kind))

    assert in_bulk == one_by_one
    assert len(in_bulk) == (2 if kind == docs.Kind.SUPPLIER else 4)
    assert all(document.url for document in in_bulk if document.title != "Adresse med tegn")


@pytest.mark.parametrize("far_apart", [False, True])
def test_documents_in_bulk_of_some_ids_only(varied, far_apart):
    indexable = docs.indexable(docs.Kind.TENDER)
    every = sorted(indexable.values_list("pk", flat=True))
    wanted = [every[0], every[-1] + 1000, every[-1]] if far_apart else every[1:]
    expected = sorted(pk for pk in wanted if pk in every)

    found = list(docs.documents(docs.Kind.TENDER, wanted))

    assert found == [docs.build(docs.Kind.TENDER, indexable.get(pk=pk)) for pk in expected]


def test_documents_in_bulk_take_a_few_queries_a_chunk_however_many_objects(
    varied, django_assert_max_num_queries
):
    for n in range(30):
        ListedSupplierProfileFactory(
            organisation=SupplierFactory(name=f"Firma {n}"),
            cpv_codes=[cpv_code("72000000")],
            delivery_municipalities=[municipality("3201", "Bærum")],
        )

    with django_assert_max_num_queries(6):
        found = list(docs.documents(docs.Kind.SUPPLIER))

    assert len(found) == 32


def _stored(kind: str) -> tuple[list, list]:
    """The index rows of ``kind`` as written (vector as text), and their facet rows."""
    rows = list(
        SearchDocument.objects.filter(kind=kind)
        .order_by("object_id")
        .values_list(
            "kind",
            "object_id",
            "language",
            "title",
            "labels",
            "body",
            "url",
            "status",
            "source",
            "cpv_codes",
            "facet_values",
            "date",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT object_id, vector::text FROM search_searchdocument WHERE kind = %s "
            "ORDER BY object_id",
            [kind],
        )
        vectors = cursor.fetchall()
    facets = sorted(
        SearchFacet.objects.filter(document__kind=kind).values_list(
            "document__object_id", "name", "value"
        )
    )
    return [*rows, *vectors], facets


@postgresql_only
@pytest.mark.parametrize("kind", [docs.Kind.SUPPLIER, docs.Kind.TENDER])
def test_the_copy_path_stores_what_the_row_by_row_path_stores(varied, kind):
    # given: the index written row by row (the path of every single change)
    db_search.write_documents(docs.documents(kind))
    by_row = _stored(kind)
    SearchFacet.objects.all().delete()
    SearchDocument.objects.all().delete()

    # when: the same documents go through the rebuild's COPY path
    written = DatabaseBackend().rebuild(kind, docs.documents(kind))

    # then: the same rows, vectors and facet rows
    assert written == len(by_row[0]) // 2
    assert _stored(kind) == by_row
    assert by_row[1]  # the fixture gives facets to compare


@postgresql_only
def test_the_copy_path_writes_a_repeated_document_once_the_last_one_winning(varied):
    first, *_ = docs.documents(docs.Kind.SUPPLIER)
    again = docs.Document(**{**first.__dict__, "title": "Nytt navn AS"})

    written = DatabaseBackend().rebuild(docs.Kind.SUPPLIER, [first, again])

    assert written == 1
    assert SearchDocument.objects.get(kind="supplier").title == "Nytt navn AS"


@postgresql_only
def test_the_copy_path_replaces_the_old_rows_and_keeps_other_kinds(varied):
    backend = DatabaseBackend()
    backend.rebuild(docs.Kind.TENDER, docs.documents(docs.Kind.TENDER))
    backend.rebuild(docs.Kind.SUPPLIER, docs.documents(docs.Kind.SUPPLIER))
    progress = []

    backend.rebuild(
        docs.Kind.SUPPLIER, docs.documents(docs.Kind.SUPPLIER), progress=progress.append
    )

    assert SearchDocument.objects.filter(kind="supplier").count() == 2
    assert SearchDocument.objects.filter(kind="tender").count() == 4
    assert progress[-1] == 2
    facet_values = SearchDocument.objects.filter(kind="supplier").values_list(
        "facet_values", flat=True
    )
    assert SearchFacet.objects.filter(document__kind="supplier").count() == sum(
        len(values) for values in facet_values
    )


def test_the_stemmer_remembers_words_and_gives_the_same_stems():
    stem.cache_clear()
    words = ["fylkesveier", "skoler", "skoler", "fylkesveier", "data"]

    assert [stem(word) for word in words] == ["fylkesvei", "skol", "skol", "fylkesvei", "dat"]
    assert stem.cache_info().hits == 2
