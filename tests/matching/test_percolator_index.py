"""The alert fan-out on Elasticsearch: saved searches as percolator queries.

Elasticsearch cannot run on this machine, so the live round trip is marked ``elasticsearch``
(it runs where ELASTICSEARCH_URL is set). Here: the searches as data, and the fall-back to the
SQL prefilter when the percolator cannot answer, against a real unreachable address.
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from matching import percolator_index
from matching.models import SavedSearch
from matching.percolator_queries import SearchSpec, percolator_query
from matching.services.alerts import matching_search_ids, target_for
from matching.services.searches import saved_search_create
from search.backends import get_backend
from tests.factories import TenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender(buyer, buyer_unit, cpv, places):
    tender = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        main_cpv=cpv["72212000"],
        title="Ny app for skoleskyss",
        estimated_value=Decimal("1500000"),
        published=True,
    )
    tender.municipalities.set([places["baerum"]])
    return tender


def test_a_saved_search_becomes_its_percolator_query(supplier, supplier_admin, cpv, places):
    search = saved_search_create(
        organisation=supplier,
        by=supplier_admin,
        name="IT i Bærum",
        text="app",
        cpv_codes=[cpv["72000000"]],
        municipalities=[places["baerum"]],
        value_max=Decimal("2000000"),
    )
    spec = percolator_index.spec_for(search)
    assert spec == SearchSpec(
        pk=search.pk,
        text="app",
        cpv_codes=("72000000",),
        municipalities=("3201",),
        value_max=2000000.0,
    )
    body = percolator_query(spec)
    assert body["search_id"] == search.pk
    filters = body["query"]["bool"]["filter"]
    assert {"terms": {"cpv_prefixes": ["72"]}} in filters[0]["bool"]["should"]
    assert body["query"]["bool"]["must"] == [
        {"match": {"text": {"query": "app", "operator": "and"}}}
    ]


def test_a_profile_based_search_carries_its_profile(supplier, supplier_admin, startup_profile):
    search = saved_search_create(
        organisation=supplier, by=supplier_admin, name="Profile", use_profile=True
    )
    spec = percolator_index.spec_for(search)
    assert spec.cpv_codes == ("72000000",)
    assert spec.municipalities == ("3201",)
    assert not spec.nationwide


@pytest.fixture
def elasticsearch_down(settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.SEARCH_BACKEND = "search.backends.elasticsearch.ElasticsearchBackend"
    get_backend.cache_clear()
    yield
    get_backend.cache_clear()


def test_when_the_percolator_cannot_answer_the_sql_prefilter_still_finds_the_searches(
    supplier, supplier_admin, cpv, tender, elasticsearch_down, caplog
):
    matching = saved_search_create(
        organisation=supplier, by=supplier_admin, name="IT", cpv_codes=[cpv["72000000"]]
    )
    saved_search_create(
        organisation=supplier, by=supplier_admin, name="Roads", cpv_codes=[cpv["45000000"]]
    )
    assert percolator_index.uses_percolator()
    assert matching_search_ids(target_for("tender", tender.pk)) == [matching.pk]
    assert "percolator unavailable" in caplog.text


@pytest.mark.elasticsearch
def test_the_percolator_answers_which_searches_match(
    supplier, supplier_admin, cpv, places, tender, settings
):
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.SEARCH_BACKEND = "search.backends.elasticsearch.ElasticsearchBackend"
    settings.SEARCH_INDEX_PREFIX = "pilotmarked-test-percolator"
    get_backend.cache_clear()
    client = get_backend().client
    client.options(ignore_status=404).indices.delete(index=percolator_index.index_name())
    try:
        by_code = saved_search_create(
            organisation=supplier, by=supplier_admin, name="IT", cpv_codes=[cpv["72000000"]]
        )
        by_words = saved_search_create(
            organisation=supplier, by=supplier_admin, name="Words", text="skoleskyssen"
        )
        saved_search_create(
            organisation=supplier, by=supplier_admin, name="Roads", cpv_codes=[cpv["45000000"]]
        )
        saved_search_create(
            organisation=supplier, by=supplier_admin, name="Oslo", municipalities=[places["oslo"]]
        )
        percolator_index.index_searches(SavedSearch.objects.all())
        found = percolator_index.percolate(target_for("tender", tender.pk))
        assert found == sorted([by_code.pk, by_words.pk])
    finally:
        client.options(ignore_status=404).indices.delete(index=percolator_index.index_name())
        get_backend.cache_clear()


def test_the_rebuild_command_says_in_one_line_when_elasticsearch_is_down(
    supplier, supplier_admin, cpv, elasticsearch_down
):
    saved_search_create(
        organisation=supplier, by=supplier_admin, name="IT", cpv_codes=[cpv["72000000"]]
    )
    with pytest.raises(CommandError, match="Elasticsearch cannot be reached"):
        call_command("alert_percolator", "--rebuild")


def test_the_rebuild_command_refuses_on_the_database_backend(db):
    get_backend.cache_clear()
    with pytest.raises(CommandError, match="not Elasticsearch"):
        call_command("alert_percolator", "--rebuild")
