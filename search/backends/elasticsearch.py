"""Elasticsearch backend on ``elasticsearch.dsl``.

Request bodies come from pure functions (``es_bodies``) that tests check as data; the backend
only sends them. Each kind lives in a versioned index behind an alias (``es_documents``): a
rebuild writes a new index and swaps the alias in one atomic request, so searches never see an
empty index. The database index is kept as well, and whenever Elasticsearch cannot answer, the
backend answers from it and says so (``SiteResults.degraded``), so the site keeps working.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import mark_safe
from elasticsearch import Elasticsearch, helpers
from elasticsearch import exceptions as es_exceptions
from elasticsearch.dsl import Q, Search

from marketplace.models import SupplierProfile
from search.index_entries import Document, Kind
from search.queries import FACETS, SiteQuery

from .base import (
    BackendStatus,
    FacetCount,
    Hit,
    SearchResult,
    SearchUnavailable,
    SiteResults,
    other_language,
)
from .database import DatabaseBackend
from .es_bodies import alias_swap_actions, site_search_body, text_scores_body
from .es_documents import alias, content_mapping, es_source, versioned_index_name

logger = logging.getLogger(__name__)

# Supplier directory search: every word must match somewhere in the supplier documents.
SUPPLIER_FIELDS = ["title^3", "labels^2", "labels.en^2", "body", "body.en"]
# How many hits one directory search asks for; the directory then filters and pages within them.
SUPPLIER_WINDOW = 1000
ES_CHUNK = 500
_UNREACHABLE = (es_exceptions.ConnectionError, es_exceptions.TransportError)
# HTTP answers that mean "not now" rather than "you asked wrongly": the cluster is overloaded
# (429), failing or restarting (5xx). The client raises them as ``ApiError``, not TransportError.
_BUSY_STATUSES = frozenset({429, 500, 502, 503, 504})


def supplier_search_body(query, *, size: int = SUPPLIER_WINDOW) -> dict:
    """The request body for a supplier text search: every word must match in some field."""
    text = " ".join(query.terms)
    search = (
        Search()
        .query(
            Q(
                "multi_match",
                query=text,
                fields=SUPPLIER_FIELDS,
                type="cross_fields",
                operator="and",
            )
        )
        .source(False)
        .extra(size=size, track_total_hits=True)
    )
    return search.to_dict()


def _all_aliases() -> str:
    return ",".join(alias(kind) for kind in Kind.ALL)


def results_from_response(response: dict, query: SiteQuery, *, backend: str) -> SiteResults:
    """Turn a search response into ``SiteResults`` (highlights are ES's html-encoded text)."""
    hits = []
    for hit in response["hits"]["hits"]:
        source = hit.get("_source", {})
        fragments = hit.get("highlight", {})
        snippet = (fragments.get("body") or fragments.get("labels") or [""])[0]
        hits.append(
            Hit(
                kind=source.get("kind", ""),
                object_id=int(source.get("object_id", hit["_id"])),
                title=source.get("title", ""),
                url=source.get("url", ""),
                highlight=mark_safe(snippet),  # noqa: S308 - encoder "html" escaped the text
                title_highlight=mark_safe(  # noqa: S308 - as above
                    (fragments.get("title") or [escape(source.get("title", ""))])[0]
                ),
                score=float(hit.get("_score") or 0.0),
                status=source.get("status", ""),
                source=source.get("source", ""),
                date=parse_datetime(source["date"]) if source.get("date") else None,
                language=source.get("language", ""),
                lang=other_language(source.get("language", ""), query.language),
            )
        )
    aggregations = response.get("aggregations", {})
    facets = {
        name: tuple(
            FacetCount(str(bucket["key"]), int(bucket["doc_count"]))
            for bucket in aggregations.get(name, {}).get("values", {}).get("buckets", [])
        )
        for name in FACETS
    }
    total = response["hits"]["total"]
    return SiteResults(
        hits=tuple(hits),
        total=int(total["value"] if isinstance(total, dict) else total),
        facets=facets,
        page=query.page,
        per_page=query.per_page,
        backend=backend,
    )


def normalised_scores(response: dict) -> dict[int, float]:
    hits = response["hits"]["hits"]
    best = max((float(hit["_score"] or 0) for hit in hits), default=0.0)
    if best <= 0:
        return {}
    return {int(hit["_id"]): round(float(hit["_score"]) / best, 6) for hit in hits}


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, url: str | None = None) -> None:
        self.client = Elasticsearch(
            url or settings.ELASTICSEARCH_URL, request_timeout=2, max_retries=1
        )
        self.fallback = DatabaseBackend()

    def status(self) -> BackendStatus:
        """Reachable or not; when not, searches are answered by the database backend."""
        try:
            ok = bool(self.client.ping())
            detail = "" if ok else "no answer to ping"
        except _UNREACHABLE as exc:
            ok, detail = False, type(exc).__name__
        if ok:
            return BackendStatus(self.name, True, "")
        return BackendStatus(self.name, False, detail, fallback=self.fallback.name)

    def _call(self, function, **kwargs):
        try:
            return function(**kwargs)
        except es_exceptions.NotFoundError as exc:
            raise SearchUnavailable("The search index does not exist yet; build it first.") from exc
        except _UNREACHABLE as exc:
            raise SearchUnavailable(f"Elasticsearch did not answer: {type(exc).__name__}") from exc
        except es_exceptions.ApiError as exc:
            # Any other refusal still leaves the site answering from the database index; a 4xx
            # other than 429 means our request was wrong, which deserves an error in the log.
            if exc.status_code not in _BUSY_STATUSES:
                logger.error("Elasticsearch refused a request (%s): %s", exc.status_code, exc)
            raise SearchUnavailable(f"Elasticsearch answered {exc.status_code}") from exc

    # -- searching -------------------------------------------------------------------------------

    def search_suppliers(self, query, queryset: QuerySet[SupplierProfile]) -> SearchResult:
        if query.is_empty:
            return SearchResult(queryset)
        try:
            response = self._call(
                self.client.search, index=alias(Kind.SUPPLIER), body=supplier_search_body(query)
            )
        except SearchUnavailable:
            logger.warning("Elasticsearch unavailable; supplier search answers from the database")
            return self.fallback.search_suppliers(query, queryset)
        ids = [int(hit["_id"]) for hit in response["hits"]["hits"]]
        if not ids:
            return SearchResult(queryset.none(), known_total=0)
        rank = Case(
            *(When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)),
            default=Value(len(ids)),
            output_field=IntegerField(),
        )
        matched = (
            queryset.filter(pk__in=ids).annotate(search_rank=rank).order_by("search_rank", "pk")
        )
        return SearchResult(matched, bounded=len(ids) >= SUPPLIER_WINDOW)

    def search(self, query: SiteQuery) -> SiteResults:
        try:
            response = self._call(
                self.client.search,
                index=_all_aliases(),
                body=site_search_body(query),
                ignore_unavailable=True,
            )
        except SearchUnavailable:
            logger.warning("Elasticsearch unavailable; site search answers from the database")
            return replace(self.fallback.search(query), degraded=True)
        return results_from_response(response, query, backend=self.name)

    def text_scores(
        self,
        kind: str,
        text: str,
        *,
        among: Sequence[int] | None = None,
        limit: int = 200,
    ) -> dict[int, float]:
        if kind not in (Kind.SUPPLIER, Kind.TENDER, Kind.NEED):
            raise ValueError(f"unknown kind {kind!r}")
        if among is not None and not among:
            return {}
        try:
            response = self._call(
                self.client.search,
                index=alias(kind),
                body=text_scores_body(kind, text, among=among, limit=limit),
            )
        except SearchUnavailable:
            return self.fallback.text_scores(kind, text, among=among, limit=limit)
        return normalised_scores(response)

    # -- the index -------------------------------------------------------------------------------

    def _bulk(self, index_for, documents: Iterable[Document]) -> int:
        actions = (
            {
                "_op_type": "index",
                "_index": index_for(document.kind),
                "_id": str(document.object_id),
                "_source": es_source(document),
            }
            for document in documents
        )
        written, _errors = self._call(helpers.bulk, client=self.client, actions=actions)
        return written

    def _ensure_alias(self, kind: str) -> None:
        """Before the first rebuild, give the alias an empty index with the versioned mapping
        (writing to a missing alias would create an index with guessed field types)."""
        if self._call(self.client.indices.exists_alias, name=alias(kind)):
            return
        index = versioned_index_name(kind, timezone.now().strftime("%Y%m%d%H%M%S%f"))
        self._call(self.client.indices.create, index=index, body=content_mapping())
        self._call(
            self.client.indices.update_aliases, body=alias_swap_actions(alias(kind), index, [])
        )

    def index_documents(self, documents: Sequence[Document]) -> int:
        documents = list(documents)
        self.fallback.index_documents(documents)
        for kind in {document.kind for document in documents}:
            self._ensure_alias(kind)
        return self._bulk(alias, documents)

    def remove_documents(self, kind: str, object_ids: Sequence[int]) -> int:
        removed = self.fallback.remove_documents(kind, object_ids)
        if self._call(self.client.indices.exists_alias, name=alias(kind)):
            actions = (
                {"_op_type": "delete", "_index": alias(kind), "_id": str(pk)} for pk in object_ids
            )
            self._call(helpers.bulk, client=self.client, actions=actions, raise_on_error=False)
        return removed

    def rebuild(self, kind: str, documents: Iterable[Document], *, progress=None) -> int:
        """Write a new versioned index, swap the alias to it atomically, drop the old ones.

        The documents stream once: each chunk goes to the new index as the database index is
        rebuilt from the same iterator.
        """
        new_index = versioned_index_name(kind, timezone.now().strftime("%Y%m%d%H%M%S%f"))
        self._call(self.client.indices.create, index=new_index, body=content_mapping())
        written = 0
        chunk: list[Document] = []

        def flush() -> None:
            nonlocal written, chunk
            if chunk:
                written += self._bulk(lambda _kind: new_index, chunk)
                chunk = []

        def tee(source: Iterable[Document]):
            for document in source:
                chunk.append(document)
                if len(chunk) >= ES_CHUNK:
                    flush()
                yield document
            flush()

        try:
            self.fallback.rebuild(kind, tee(documents), progress=progress)
            self._call(self.client.indices.refresh, index=new_index)
        except Exception:
            # Leave the live alias alone and drop the half-built index (then re-raise).
            self.client.indices.delete(index=new_index, ignore_unavailable=True)
            raise
        old = []
        if self._call(self.client.indices.exists_alias, name=alias(kind)):
            old = list(self._call(self.client.indices.get_alias, name=alias(kind)).body)
        self._call(
            self.client.indices.update_aliases,
            body=alias_swap_actions(alias(kind), new_index, old),
        )
        for index in old:
            self._call(self.client.indices.delete, index=index, ignore_unavailable=True)
        return written
