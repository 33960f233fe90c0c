"""The typed protocol every search backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from marketplace.models import SupplierProfile
    from search.queries import SupplierQuery


@dataclass(frozen=True)
class BackendStatus:
    name: str
    ok: bool
    detail: str = ""


class SearchUnavailable(RuntimeError):
    """The backend cannot answer now (no index yet, cluster down). Callers show a message."""


@dataclass(frozen=True)
class SearchResult:
    """What a search found: an ordered queryset (best match first) and how many rows it holds.

    ``queryset`` stays a queryset so callers can paginate it and prefetch what they show.
    ``total`` is known up front when the backend reports it (Elasticsearch) and is otherwise
    counted on first use.
    """

    queryset: QuerySet[SupplierProfile]
    known_total: int | None = None

    @property
    def total(self) -> int:
        if self.known_total is not None:
            return self.known_total
        return self.queryset.count()


@runtime_checkable
class SearchBackend(Protocol):
    name: str

    def status(self) -> BackendStatus:
        """Whether the backend can answer queries now (used by /readyz)."""
        ...

    def search_suppliers(
        self, query: SupplierQuery, queryset: QuerySet[SupplierProfile]
    ) -> SearchResult:
        """The profiles of ``queryset`` that match ``query``, best match first.

        ``queryset`` carries the caller's filters (published only, facets); the backend narrows
        and orders it, and never widens it. An empty query returns ``queryset`` unchanged.
        """
        ...

    def text_scores(
        self,
        kind: str,
        text: str,
        *,
        among: Sequence[int] | None = None,
        limit: int = 200,
    ) -> dict[int, float]:
        """How well documents of ``kind`` ("supplier" profiles, "tender"s, "need"s) match a
        longer free ``text`` (a need's or profile's own words), as {primary key: relevance in
        0..1}, the best ``limit`` only, optionally only among the primary keys ``among``.

        The matcher (``matching``) uses this for the text part of its score; documents that
        share no meaningful word with ``text`` are left out.
        """
        ...
