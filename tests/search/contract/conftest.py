"""Every search backend that can run here: the database one always, Elasticsearch where
ELASTICSEARCH_URL is set (tests marked ``elasticsearch``; its own index prefix, removed after)."""

from __future__ import annotations

import os
import uuid

import pytest

from search.backends.database import DatabaseBackend


def _database(settings):
    return DatabaseBackend()


def _elasticsearch(settings):
    from search.backends.elasticsearch import ElasticsearchBackend

    settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:8]}"
    return ElasticsearchBackend(os.environ["ELASTICSEARCH_URL"])


BACKENDS = [
    pytest.param(_database, id="database"),
    pytest.param(_elasticsearch, id="elasticsearch", marks=pytest.mark.elasticsearch),
]


@pytest.fixture(params=BACKENDS)
def backend(request, db, settings):
    backend = request.param(settings)
    yield backend
    if backend.name == "elasticsearch":
        backend.client.indices.delete(
            index=f"{settings.SEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
        )
