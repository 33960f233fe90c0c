"""Celery tasks of the search app: keep the index true. They take a kind and a primary key."""

from __future__ import annotations

from celery import shared_task

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
    from search.indexing import index_object as run

    return run(kind, object_id)


@shared_task(name="search.rebuild_index", acks_late=True)
def rebuild_index(kind: str) -> int:
    from search.indexing import rebuild

    return rebuild(kind)
