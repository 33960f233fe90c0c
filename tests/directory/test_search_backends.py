"""Supplier text search in the backends: the query object, and Elasticsearch's body as data."""

from __future__ import annotations

import pytest

from marketplace.models import SupplierProfile
from search.backends import get_backend
from search.backends.base import SearchBackend, SearchResult
from search.backends.database import DatabaseBackend
from search.backends.elasticsearch import SUPPLIER_FIELDS, supplier_search_body
from search.backends.es_documents import content_mapping, es_source
from search.index_entries import Kind, supplier_document
from search.indexing import rebuild
from search.queries import MAX_QUERY_LENGTH, SiteQuery, SupplierQuery
from tests.factories import ListedSupplierProfileFactory, SupplierFactory


def test_query_terms_are_words_without_operators_or_quotes():
    query = SupplierQuery('  "Sensor" (((( AND sensor  Veg-lys ')

    assert query.terms == ("sensor", "and", "veg", "lys")
    assert query.text == '"Sensor" (((( AND sensor  Veg-lys'


def test_query_is_cut_to_the_maximum_length():
    assert len(SupplierQuery("x" * 2000).text) == MAX_QUERY_LENGTH


def test_query_of_only_punctuation_is_empty():
    assert SupplierQuery('"(((((').is_empty
    assert SupplierQuery("").is_empty


def test_query_is_frozen():
    query = SupplierQuery("a")
    with pytest.raises(AttributeError):
        query.text = "b"


def test_backends_implement_the_protocol():
    assert isinstance(DatabaseBackend(), SearchBackend)
    assert isinstance(get_backend(), SearchBackend)


@pytest.mark.django_db
def test_database_backend_returns_an_ordered_queryset_and_total():
    ListedSupplierProfileFactory(organisation=SupplierFactory(name="Veglys AS"))
    ListedSupplierProfileFactory(
        organisation=SupplierFactory(name="Annet AS"), description_en="Smart veglys for roads."
    )
    ListedSupplierProfileFactory(organisation=SupplierFactory(name="Ingen AS"))
    rebuild(Kind.SUPPLIER)

    result = DatabaseBackend().search_suppliers(
        SupplierQuery("veglys"), SupplierProfile.objects.published()
    )

    assert isinstance(result, SearchResult)
    assert [p.organisation.name for p in result.queryset] == ["Veglys AS", "Annet AS"]
    assert result.total == 2


@pytest.mark.django_db
def test_database_backend_searches_the_index_with_the_site_searchs_stemming():
    ListedSupplierProfileFactory(
        organisation=SupplierFactory(name="Veiarbeid AS"),
        description_nb="Vi brøyter fylkesveier.",
        description_en="",
    )
    rebuild(Kind.SUPPLIER)
    published = SupplierProfile.objects.published()

    by_other_inflection = DatabaseBackend().search_suppliers(SupplierQuery("fylkesvei"), published)
    site = DatabaseBackend().search(SiteQuery("fylkesvei", kinds=("supplier",)))

    assert [p.organisation.name for p in by_other_inflection.queryset] == ["Veiarbeid AS"]
    assert [hit.title for hit in site.hits] == ["Veiarbeid AS"]


@pytest.mark.django_db
def test_database_backend_finds_nothing_the_index_does_not_hold_yet():
    ListedSupplierProfileFactory(organisation=SupplierFactory(name="Veglys AS"))

    result = DatabaseBackend().search_suppliers(
        SupplierQuery("veglys"), SupplierProfile.objects.published()
    )

    assert result.total == 0


@pytest.mark.django_db
def test_database_backend_never_widens_the_queryset():
    ListedSupplierProfileFactory(organisation=SupplierFactory(name="Veglys AS"))
    rebuild(Kind.SUPPLIER)

    result = DatabaseBackend().search_suppliers(
        SupplierQuery("veglys"), SupplierProfile.objects.none()
    )

    assert result.total == 0


def test_elasticsearch_body_is_a_multi_match_over_the_profile_fields():
    body = supplier_search_body(SupplierQuery('Smarte "veglys" ((('), size=50)

    assert body == {
        "query": {
            "multi_match": {
                "query": "smarte veglys",
                "fields": ["title^3", "labels^2", "labels.en^2", "body", "body.en"],
                "type": "cross_fields",
                "operator": "and",
            }
        },
        "_source": False,
        "size": 50,
        "track_total_hits": True,
    }


def test_elasticsearch_fields_exist_in_the_mapping_with_norwegian_analysis():
    properties = content_mapping()["mappings"]["properties"]

    for field in SUPPLIER_FIELDS:
        name = field.split("^")[0]
        base, _, sub = name.partition(".")
        assert base in properties
        if sub:
            assert sub in properties[base]["fields"]
    assert properties["body"]["analyzer"] == "norwegian"
    assert properties["body"]["fields"]["en"]["analyzer"] == "english"


@pytest.mark.django_db
def test_elasticsearch_document_matches_the_mapping(cpv):
    profile = ListedSupplierProfileFactory(
        organisation=SupplierFactory(name="Veglys AS"),
        keywords=["lys"],
        cpv_codes=[cpv["72000000"]],
    )

    source = es_source(supplier_document(profile))

    assert set(source) == set(content_mapping()["mappings"]["properties"])
    assert "IT-tjenester" in source["labels"]
    assert source["title"] == "Veglys AS"
    assert source["cpv_division"] == ["72"]


@pytest.mark.django_db
def test_database_backend_keeps_the_best_matches_of_a_broad_word(monkeypatch):
    from search.backends import database

    ListedSupplierProfileFactory(
        organisation=SupplierFactory(name="Alfa AS"), description_nb="Veglys.", description_en=""
    )
    ListedSupplierProfileFactory(
        organisation=SupplierFactory(name="Veglys Nord AS"), description_nb="", description_en=""
    )
    ListedSupplierProfileFactory(
        organisation=SupplierFactory(name="Beta AS"), description_nb="Veglys.", description_en=""
    )
    rebuild(Kind.SUPPLIER)
    monkeypatch.setattr(database, "SUPPLIER_WINDOW", 2)  # as if thousands matched

    result = DatabaseBackend().search_suppliers(
        SupplierQuery("veglys"), SupplierProfile.objects.published()
    )

    assert [p.organisation.name for p in result.queryset] == ["Veglys Nord AS", "Alfa AS"]
    assert result.total == 2
