"""Fixtures for search tests: documents indexed through the real indexing code."""

from __future__ import annotations

import pytest

from search import index_entries as docs
from search.backends.database import DatabaseBackend


@pytest.fixture
def database_backend(db):
    return DatabaseBackend()


@pytest.fixture
def index_all():
    """Index every indexable object of every kind into ``backend`` (the database one by default)."""

    def index(backend=None, kinds=docs.Kind.ALL):
        backend = backend or DatabaseBackend()
        for kind in kinds:
            backend.rebuild(kind, docs.documents(kind))
        return backend

    return index
