"""Elasticsearch backend on ``elasticsearch.dsl``.

Request bodies come from pure functions (``supplier_search_body``) that tests check as data; the
backend only sends them. The index mapping is versioned in ``search/mappings/``; documents are
written by the indexing work of the search issue (``supplier_document`` is their shape).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions
from elasticsearch.dsl import Q, Search

from marketplace.models import SupplierProfile

from .base import BackendStatus, SearchResult, SearchUnavailable

SUPPLIER_INDEX = "pilotmarked-suppliers-v1"
SUPPLIER_MAPPING_FILE = Path(__file__).resolve().parent.parent / "mappings" / "suppliers_v1.json"
# Fields of a supplier document and their weights; a name match counts most.
SUPPLIER_FIELDS = [
    "organisation_name^3",
    "keywords^2",
    "cpv_labels_nb^2",
    "cpv_labels_en^2",
    "description_nb",
    "description_en",
]
# How many hits one search asks for; the directory then filters and pages within them.
SUPPLIER_WINDOW = 1000


def supplier_mapping() -> dict:
    return json.loads(SUPPLIER_MAPPING_FILE.read_text(encoding="utf-8"))


def supplier_document(profile: SupplierProfile) -> dict:
    """What the index holds of one profile (ids are the profile's primary key)."""
    codes = list(profile.cpv_codes.all())
    return {
        "organisation_name": profile.organisation.name,
        "description_nb": profile.description_nb,
        "description_en": profile.description_en,
        "keywords": list(profile.keywords or []),
        "cpv_codes": [code.code for code in codes],
        "cpv_labels_nb": [code.name_nb for code in codes],
        "cpv_labels_en": [code.name_en for code in codes],
    }


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


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, url: str | None = None) -> None:
        self.client = Elasticsearch(url or settings.ELASTICSEARCH_URL, request_timeout=2)

    def status(self) -> BackendStatus:
        try:
            ok = bool(self.client.ping())
        except (es_exceptions.ConnectionError, es_exceptions.TransportError) as exc:
            return BackendStatus(self.name, False, type(exc).__name__)
        return BackendStatus(self.name, ok, "" if ok else "no answer to ping")

    def search_suppliers(self, query, queryset: QuerySet[SupplierProfile]) -> SearchResult:
        if query.is_empty:
            return SearchResult(queryset)
        try:
            response = self.client.search(index=SUPPLIER_INDEX, body=supplier_search_body(query))
        except es_exceptions.NotFoundError as exc:
            raise SearchUnavailable(
                f"The supplier index {SUPPLIER_INDEX} does not exist yet; build it first."
            ) from exc
        except (es_exceptions.ConnectionError, es_exceptions.TransportError) as exc:
            raise SearchUnavailable(f"Elasticsearch did not answer: {type(exc).__name__}") from exc
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
        return SearchResult(matched)
