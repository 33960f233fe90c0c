"""The site-wide search page /sok/ and what happens when Elasticsearch cannot answer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from search import index_entries as docs
from search.backends import get_backend
from search.backends.database import DatabaseBackend
from search.backends.elasticsearch import ElasticsearchBackend
from search.queries import SiteQuery
from tests.factories import NeedFactory, TenderFactory

# Nothing listens here: connections are refused at once.
UNREACHABLE = "http://127.0.0.1:9"
URL = "/sok/"


@pytest.fixture
def indexed(db):
    TenderFactory(
        published=True,
        title="Brøyting av fylkesvei",
        description="<p>Vinterdrift av fylkesveier i Asker.</p>",
    )
    TenderFactory(published=True, title="Programvare for skoler")
    NeedFactory(open=True, title="Sensorer for glatte veier", problem="Glatte fylkesveier.")
    backend = DatabaseBackend()
    for kind in docs.Kind.ALL:
        backend.rebuild(kind, docs.documents(kind))


@pytest.fixture
def unreachable_elasticsearch(settings):
    settings.ELASTICSEARCH_URL = UNREACHABLE
    settings.SEARCH_BACKEND = "search.backends.elasticsearch.ElasticsearchBackend"
    get_backend.cache_clear()
    yield
    get_backend.cache_clear()


def test_url_name():
    assert reverse("search:site_search") == URL


def test_the_empty_page_has_a_search_form_that_works_without_javascript(client, db):
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="get"' in html
    assert 'role="search"' in html
    assert 'name="q"' in html


def test_searching_finds_inflected_forms_and_marks_them(client, indexed):
    response = client.get(URL, {"q": "fylkesveier"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Brøyting av <mark>fylkesvei</mark>" in html
    assert "<mark>fylkesveier</mark>" in html
    assert "Programvare for skoler" not in html


def test_facets_show_counts_and_filter_with_the_text_kept(client, indexed):
    response = client.get(URL, {"q": "fylkesveier", "kind": "need"})

    html = response.content.decode()
    assert "Sensorer for glatte veier" in html
    assert "Brøyting av fylkesvei" not in html
    assert 'name="kind" value="need" id="facet-kind-' in html
    assert "checked" in html
    assert response.context["results"].total == 1


def test_no_hits_shows_the_empty_state(client, indexed):
    response = client.get(URL, {"q": "zzyzx"})

    assert response.status_code == 200
    assert response.context["results"].total == 0
    assert "Check the spelling" in response.content.decode() or "stavemåten" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    "params",
    [
        {"q": "(" * 1999},
        {"q": '"fylkesvei" AND (vei OR "brøyting'},
        {"q": "x" * 2000},
        {"q": "fylkesvei", "page": "99999999999999"},
        {"q": "fylkesvei", "page": "-1"},
        {"q": "fylkesvei", "kind": ["tender", "<script>"], "cpv": "abc", "county": "1'"},
    ],
    ids=range(6),
)
def test_odd_input_answers_200(client, indexed, params):
    assert client.get(URL, params).status_code == 200


@pytest.mark.parametrize("text", ["(" * 10_000, "x" * 2001, "nul\x00tegn"], ids=range(3))
def test_too_long_or_null_input_answers_a_clear_400(client, indexed, text):
    response = client.get(URL, {"q": text})

    assert response.status_code == 400
    assert 'id="id_q_error"' in response.content.decode()


def test_pages_keep_the_query(client, db):
    for number in range(25):
        TenderFactory(published=True, title=f"Vedlikehold av bru {number}")
    DatabaseBackend().rebuild("tender", docs.documents("tender"))

    first = client.get(URL, {"q": "bru"})
    second = client.get(URL, {"q": "bru", "page": "2"})

    assert first.context["results"].total == 25
    assert len(first.context["hits"]) == 20
    assert len(second.context["hits"]) == 5
    assert "q=bru&amp;page=2" in first.content.decode()


def test_when_elasticsearch_is_down_the_database_answers_and_the_page_says_so(
    client, indexed, unreachable_elasticsearch
):
    response = client.get(URL, {"q": "fylkesveier"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="status"' in html
    assert response.context["degraded"] is True
    assert "Brøyting av <mark>fylkesvei</mark>" in html


def test_elasticsearch_backend_falls_back_for_every_read(indexed):
    backend = ElasticsearchBackend(UNREACHABLE)

    results = backend.search(SiteQuery("fylkesvei"))
    status = backend.status()

    assert results.degraded and results.backend == "database" and results.total >= 1
    assert not status.ok and status.fallback == "database"
    assert backend.text_scores("tender", "brøyting fylkesvei")


def test_readyz_reports_the_fallback(client, db, unreachable_elasticsearch):
    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["search"]["ok"] is False
    assert body["checks"]["search"]["backend"] == "elasticsearch"
    assert body["checks"]["search"]["fallback"] == "database"
    assert "answering from database" in body["checks"]["search"]["detail"]


def test_readyz_names_the_database_backend(client, db):
    body = client.get("/readyz").json()

    assert body["checks"]["search"]["ok"] is True
    assert body["checks"]["search"]["backend"] == "database"


def test_the_page_makes_a_bounded_number_of_queries(client, db, django_assert_max_num_queries):
    for number in range(30):
        TenderFactory(published=True, title=f"Brøyting av fylkesvei {number}")
    DatabaseBackend().rebuild("tender", docs.documents("tender"))

    with django_assert_max_num_queries(14):
        response = client.get(URL, {"q": "fylkesveier", "kind": "tender"})

    assert response.context["results"].total == 30
