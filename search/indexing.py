"""Keeping the index true: (re)index or remove one object, or rebuild a whole kind.

Called by the Celery tasks in ``search.tasks`` (scheduled by the receivers in
``search.receivers``) and by ``manage.py search_index``. Indexing an object reads it fresh: if it
is no longer indexable (a draft, unlisted, unpublished, deleted) it is removed instead, so
running a task twice or late is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from search import index_entries as docs
from search.backends import get_backend

logger = logging.getLogger(__name__)


def index_object(kind: str, object_id: int) -> str:
    """Bring the index in line with the object's current state. Returns "indexed" or "removed"."""
    if kind not in docs.Kind.ALL:
        raise ValueError(f"unknown kind {kind!r}")
    backend = get_backend()
    found = list(docs.documents(kind, [object_id]))
    if found:
        backend.index_documents(found)
        return "indexed"
    backend.remove_documents(kind, [object_id])
    return "removed"


def rebuild(kind: str, *, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the index of ``kind`` from every indexable object, without downtime."""
    if kind not in docs.Kind.ALL:
        raise ValueError(f"unknown kind {kind!r}")
    count = rebuild_count(kind)
    logger.info("Rebuilding the %s index from %d objects", kind, count)
    return get_backend().rebuild(kind, docs.documents(kind), progress=progress)


def rebuild_count(kind: str) -> int:
    return docs.indexable(kind).count()
