"""The typed protocol every search backend implements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # annotations only: the protocol itself loads no models
    from django.db.models import QuerySet

    from marketplace.models import SupplierProfile
    from search.index_entries import Document
    from search.queries import SiteQuery, SupplierQuery


@dataclass(frozen=True)
class BackendStatus:
    """Whether a backend can answer now. ``fallback`` names the backend that answers instead
    while this one cannot (searches then say they are degraded)."""

    name: str
    ok: bool
    detail: str = ""
    fallback: str = ""


class SearchUnavailable(RuntimeError):
    """The backend cannot answer now (no index yet, cluster down). Callers show a message."""


@dataclass(frozen=True)
class SearchResult:
    """What a search found: an ordered queryset (best match first) and how many rows it holds.

    ``queryset`` stays a queryset so callers can paginate it and prefetch what they show.
    ``total`` is known up front when the backend reports it (Elasticsearch) and is otherwise
    counted on first use; ``bounded`` says that more match than ``queryset`` holds.
    """

    queryset: QuerySet[SupplierProfile]
    known_total: int | None = None
    # True when more profiles match than the backend lists (a broad word ranked among the newest
    # matches, or a window of the best): the page says "at least", never a false total.
    bounded: bool = False
    # The primary keys of ``queryset`` in its order, when the backend has them in hand: a
    # caller may then read one page of rows by its keys instead of ordering them all in SQL.
    ids: tuple[int, ...] | None = None

    @property
    def total(self) -> int:
        if self.known_total is not None:
            return self.known_total
        return self.queryset.count()


@dataclass(frozen=True)
class Hit:
    """One object a site-wide search found. ``highlight`` (an excerpt) and ``title_highlight``
    are safe HTML: escaped text with the matched words in ``<mark>``. ``language`` is the
    language the document is written in; ``lang`` is it when the page that shows the hit is in
    another language (the ``lang`` attribute its title and excerpt need), else empty."""

    kind: str
    object_id: int
    title: str
    url: str
    highlight: str = ""
    title_highlight: str = ""
    score: float = 0.0
    status: str = ""
    source: str = ""
    date: datetime | None = None
    language: str = ""
    lang: str = ""


def other_language(document_language: str, page_language: str) -> str:
    """``document_language`` when a page in ``page_language`` must mark it with ``lang``."""
    document_language = (document_language or "")[:2]
    return document_language if document_language and document_language != page_language else ""


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class SiteResults:
    """One page of a site-wide search, the total, and the counts of every facet value.

    A facet's counts apply every chosen filter except that facet's own, so a reader can widen a
    choice as well as narrow it.

    A backend may bound the work of a search that matches very many documents: then
    ``total_exact`` is False when ``total`` is an estimate, ``ranked_among`` is how many of the
    newest matches were ranked (the pages reach no further), and ``counted_among`` how many of
    the newest matches the facet counts were counted among.
    """

    hits: tuple[Hit, ...]
    total: int
    facets: dict[str, tuple[FacetCount, ...]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 20
    backend: str = ""
    degraded: bool = False
    total_exact: bool = True
    ranked_among: int | None = None
    counted_among: int | None = None

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


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

    def search(self, query: SiteQuery) -> SiteResults:
        """Site-wide search over tenders, needs, suppliers and pages, with facets and highlights.

        An empty text lists what the facets allow, newest first. Raises ``SearchUnavailable``
        when the backend cannot answer.
        """
        ...

    def index_documents(self, documents: Sequence[Document]) -> int:
        """Add or replace these documents in the live index; returns how many were written."""
        ...

    def remove_documents(self, kind: str, object_ids: Sequence[int]) -> int:
        """Take the objects out of the index (missing ones are fine); returns how many went."""
        ...

    def rebuild(self, kind: str, documents: Iterable[Document], *, progress=None) -> int:
        """Replace the whole index of ``kind`` with ``documents`` without a moment in which
        searches find nothing: build aside, then swap. ``progress(n)`` is called as it goes."""
        ...
