"""Celery tasks of the search app: keep the index true. They take a kind and a primary key."""

from __future__ import annotations

from celery import shared_task

from search import indexing
from search.backends.base import SearchUnavailable


@shared_task(
    name="search.index_object",
    acks_late=True,
    autoretry_for=(SearchUnavailable, ConnectionError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=8,
)
def index_object(kind: str, object_id: int) -> str:
    """(Re)index the object, or remove it when it is no longer searchable. Idempotent."""
    return indexing.index_object(kind, object_id)


@shared_task(name="search.rebuild_index", acks_late=True)
def rebuild_index(kind: str) -> int:
    return indexing.rebuild(kind)
