"""The Elasticsearch backend's HTTP behaviour against a local fake cluster (issue 19): an
overloaded or failing cluster (429, 503), one that does not answer in time, and a request the
cluster refuses as malformed (400) all leave the site answering from the database index with
the "simpler mode" banner, never a 500. The real client and transport run unchanged; only the
cluster is fake (``fake_elasticsearch``).
"""

from __future__ import annotations

import logging

import pytest

from marketplace.models import SupplierProfile
from search import index_entries as docs
from search.backends import get_backend
from search.backends.database import DatabaseBackend
from search.backends.elasticsearch import ElasticsearchBackend
from search.queries import SiteQuery, SupplierQuery
from tests.factories import TenderFactory

from .fake_elasticsearch import Answer, FakeElasticsearch, serve

URL = "/sok/"


def refusal(status: int, kind: str) -> Answer:
    return Answer(status, {"error": {"type": kind, "reason": kind}, "status": status})


@pytest.fixture
def cluster():
    fake = FakeElasticsearch()
    stop = serve(fake)
    yield fake
    stop()


@pytest.fixture
def site_on_the_cluster(settings, cluster):
    settings.ELASTICSEARCH_URL = cluster.url
    settings.SEARCH_BACKEND = "search.backends.elasticsearch.ElasticsearchBackend"
    get_backend.cache_clear()
    yield cluster
    get_backend.cache_clear()


@pytest.fixture
def indexed(db):
    TenderFactory(published=True, title="Brøyting av fylkesvei")
    backend = DatabaseBackend()
    for kind in docs.Kind.ALL:
        backend.rebuild(kind, docs.documents(kind))


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (503, "cluster_block_exception"),
        (429, "es_rejected_execution_exception"),
        (500, "internal_server_error"),
    ],
)
def test_a_busy_or_failing_cluster_leaves_the_page_answering_from_the_database(
    client, indexed, site_on_the_cluster, status, kind
):
    site_on_the_cluster.answers["/_search"] = refusal(status, kind)

    response = client.get(URL, {"q": "fylkesvei"})

    assert response.status_code == 200
    assert response.context["degraded"] is True
    assert 'role="status"' in response.content.decode()
    assert "Brøyting av <mark>fylkesvei</mark>" in response.content.decode()
    # the cluster was asked: the fallback followed its answer, not a shortcut
    assert any(path.split("?")[0].endswith("/_search") for _, path in site_on_the_cluster.requests)


def test_a_refused_request_falls_back_too_and_is_logged_as_an_error(
    client, indexed, site_on_the_cluster, caplog
):
    site_on_the_cluster.answers["/_search"] = refusal(400, "parsing_exception")

    with caplog.at_level(logging.ERROR, logger="search.backends.elasticsearch"):
        response = client.get(URL, {"q": "fylkesvei"})

    assert response.status_code == 200
    assert response.context["degraded"] is True
    assert any("refused a request (400)" in r.getMessage() for r in caplog.records)


def test_a_busy_cluster_is_not_logged_as_our_error(indexed, cluster, caplog):
    cluster.answers["/_search"] = refusal(503, "cluster_block_exception")

    with caplog.at_level(logging.ERROR, logger="search.backends.elasticsearch"):
        results = ElasticsearchBackend(cluster.url).search(SiteQuery("fylkesvei"))

    assert results.degraded and results.total == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_cluster_that_does_not_answer_in_time_falls_back(indexed, cluster):
    cluster.answers["/_search"] = Answer(200, {}, delay=3.0)  # the backend waits 2 s

    results = ElasticsearchBackend(cluster.url).search(SiteQuery("fylkesvei"))

    assert results.degraded and results.total == 1


def test_supplier_search_and_text_scores_fall_back_on_503(indexed, cluster):
    cluster.answers["/_search"] = refusal(503, "cluster_block_exception")
    backend = ElasticsearchBackend(cluster.url)

    found = backend.search_suppliers(SupplierQuery("programvare"), SupplierProfile.objects.all())
    scores = backend.text_scores(docs.Kind.TENDER, "fylkesvei")

    assert list(found.queryset) == []
    assert len(scores) == 1 and all(0 < score <= 1 for score in scores.values())


def test_a_healthy_answer_is_used_as_it_comes(indexed, cluster):
    cluster.answers["/_search"] = Answer(
        200,
        {
            "hits": {
                "total": {"value": 1, "relation": "eq"},
                "hits": [
                    {
                        "_id": "7",
                        "_score": 2.0,
                        "_source": {"kind": "tender", "object_id": 7, "title": "Fra klyngen"},
                    }
                ],
            }
        },
    )

    results = ElasticsearchBackend(cluster.url).search(SiteQuery("fylkesvei"))

    assert not results.degraded
    assert [hit.title for hit in results.hits] == ["Fra klyngen"]
