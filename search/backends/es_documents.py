"""Elasticsearch documents (``elasticsearch.dsl``): one index per kind, behind an alias.

Every kind shares the same fields so a site-wide search runs over all four aliases at once and
aggregates facets across them. Text is analysed in Norwegian (stemming: "fylkesveier" ->
"fylkesvei") with an English sub-field. The mapping is versioned in
``search/mappings/content_v1.json``; a test keeps these classes and that file equal.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from elasticsearch.dsl import Date, Document, Keyword, Long, Text

from search.index_entries import Document as SearchDocument
from search.index_entries import Kind

MAPPING_VERSION = "v1"
MAPPING_FILE = (
    Path(__file__).resolve().parent.parent / "mappings" / f"content_{MAPPING_VERSION}.json"
)
ALIAS_PREFIX = "pilotmarked"


def _text() -> Text:
    return Text(analyzer="norwegian", fields={"en": Text(analyzer="english")})


class ContentDocument(Document):
    kind = Keyword()
    object_id = Long()
    language = Keyword()
    title = Text(
        analyzer="norwegian",
        fields={"en": Text(analyzer="english"), "raw": Keyword(ignore_above=256)},
    )
    labels = _text()
    body = _text()
    url = Keyword(index=False)
    status = Keyword()
    source = Keyword()
    cpv_codes = Keyword()
    cpv_division = Keyword()
    county = Keyword()
    municipality = Keyword()
    date = Date()


class TenderDocument(ContentDocument):
    class Index:
        name = f"{ALIAS_PREFIX}-{Kind.TENDER}"


class NeedDocument(ContentDocument):
    class Index:
        name = f"{ALIAS_PREFIX}-{Kind.NEED}"


class SupplierDocument(ContentDocument):
    class Index:
        name = f"{ALIAS_PREFIX}-{Kind.SUPPLIER}"


class PageDocument(ContentDocument):
    class Index:
        name = f"{ALIAS_PREFIX}-{Kind.PAGE}"


DOCUMENTS: dict[str, type[ContentDocument]] = {
    Kind.TENDER: TenderDocument,
    Kind.NEED: NeedDocument,
    Kind.SUPPLIER: SupplierDocument,
    Kind.PAGE: PageDocument,
}


def alias(kind: str) -> str:
    """The alias searches read and writes go to: ``<SEARCH_INDEX_PREFIX>-<kind>``."""
    if kind not in DOCUMENTS:
        raise ValueError(f"unknown kind {kind!r}")
    return f"{settings.SEARCH_INDEX_PREFIX}-{kind}"


def versioned_index_name(kind: str, stamp: str) -> str:
    """The concrete index a rebuild writes before the alias is swapped to it."""
    return f"{alias(kind)}-{MAPPING_VERSION}-{stamp}"


def content_mapping() -> dict:
    """The versioned index body (settings and mappings) every kind's index is created with."""
    return json.loads(MAPPING_FILE.read_text(encoding="utf-8"))


def es_source(document: SearchDocument) -> dict:
    """The ``_source`` of one document (its ``_id`` is the object's primary key)."""
    return {
        "kind": document.kind,
        "object_id": document.object_id,
        "language": document.language,
        "title": document.title,
        "labels": document.labels,
        "body": document.body,
        "url": document.url,
        "status": document.status,
        "source": document.source,
        "cpv_codes": list(document.cpv_codes),
        "cpv_division": list(document.cpv_divisions),
        "county": list(document.counties),
        "municipality": list(document.municipalities),
        "date": document.date.isoformat() if document.date else None,
    }
