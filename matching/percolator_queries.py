"""Saved searches as Elasticsearch percolator queries, as pure functions tested as data.

Each saved search is stored as a query in a percolator index; a published need or tender is
percolated as a document and the index answers which searches it matches. The rules are the
same as the database prefilter in ``matching.services.alerts``:

- CPV: the document carries every branch prefix of its codes (72212000 → "72", "722", "7221",
  "72212", "72212000"); a search for 72000000 asks for the prefix "72", and a search for a code
  below the document's (72212100 under 72210000) asks for its own prefixes, so either direction
  matches, as in the database.
- Area: any of the search's municipalities or counties; a document with no place matches all.
- Value within the range, lots suitable for SMBs and pilots when asked for, and all the words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from marketplace.models.classification import cpv_prefix


@dataclass(frozen=True)
class SearchSpec:
    """A saved search's conditions (a profile-based one carries its profile's codes and places)."""

    pk: int
    text: str = ""
    cpv_codes: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    value_min: float | None = None
    value_max: float | None = None
    smb_lots_only: bool = False
    pilots_only: bool = False
    nationwide: bool = False


def prefixes(codes: Iterable[str]) -> list[str]:
    """Every branch prefix of each code, and the codes themselves, sorted."""
    out: set[str] = set()
    for code in codes:
        prefix = cpv_prefix(code)
        out.update(prefix[:length] for length in range(2, len(prefix) + 1))
        out.add(code)
    return sorted(out)


def percolator_query(spec: SearchSpec) -> dict:
    """The query stored for one saved search."""
    filters: list[dict] = []
    if spec.cpv_codes:
        own = [cpv_prefix(code) for code in spec.cpv_codes]
        filters.append(
            {
                "bool": {
                    "should": [
                        # the document is at or under one of the search's codes
                        {"terms": {"cpv_prefixes": sorted(set(own))}},
                        # the search's code is under one of the document's codes
                        {"terms": {"cpv_codes_broad": prefixes(spec.cpv_codes)}},
                    ],
                    "minimum_should_match": 1,
                }
            }
        )
    if (spec.municipalities or spec.counties) and not spec.nationwide:
        places: list[dict] = [{"term": {"has_place": False}}]
        if spec.municipalities:
            places.append({"terms": {"municipalities": sorted(spec.municipalities)}})
        if spec.counties:
            places.append({"terms": {"counties": sorted(spec.counties)}})
        filters.append({"bool": {"should": places, "minimum_should_match": 1}})
    if spec.value_min is not None or spec.value_max is not None:
        bounds = {}
        if spec.value_min is not None:
            bounds["gte"] = spec.value_min
        if spec.value_max is not None:
            bounds["lte"] = spec.value_max
        filters.append(
            {
                "bool": {
                    "should": [
                        {"range": {"value": bounds}},
                        {"bool": {"must_not": {"exists": {"field": "value"}}}},
                    ],
                    "minimum_should_match": 1,
                }
            }
        )
    if spec.smb_lots_only:
        filters.append({"term": {"has_smb_lot": True}})
    if spec.pilots_only:
        filters.append({"term": {"is_pilot": True}})
    query: dict = {"bool": {"filter": filters}}
    if spec.text.strip():
        query["bool"]["must"] = [
            {"match": {"text": {"query": spec.text.strip(), "operator": "and"}}}
        ]
    return {"query": query, "search_id": spec.pk}


def percolate_document(
    *,
    text: str,
    cpv_codes: Iterable[str],
    municipalities: Iterable[str],
    counties: Iterable[str],
    value: float | None,
    has_smb_lot: bool,
    is_pilot: bool,
) -> dict:
    """A need or tender version as the document to percolate."""
    codes = sorted(set(cpv_codes))
    municipalities = sorted(set(municipalities))
    document = {
        "text": text,
        "cpv_codes": codes,
        "cpv_prefixes": prefixes(codes),
        # the document's own branch prefixes padded to codes, for searches below them
        "cpv_codes_broad": sorted({cpv_prefix(code) for code in codes}),
        "municipalities": municipalities,
        "counties": sorted(set(counties)),
        "has_place": bool(municipalities),
        "has_smb_lot": has_smb_lot,
        "is_pilot": is_pilot,
    }
    if value is not None:
        document["value"] = value
    return document


def percolate_body(document: dict, *, size: int = 10000) -> dict:
    """The request that asks the percolator index which searches match ``document``."""
    return {
        "size": size,
        "_source": ["search_id"],
        "query": {"percolate": {"field": "query", "document": document}},
    }


PERCOLATOR_MAPPING = {
    "properties": {
        "query": {"type": "percolator"},
        "search_id": {"type": "long"},
        "text": {"type": "text", "analyzer": "norwegian"},
        "cpv_codes": {"type": "keyword"},
        "cpv_prefixes": {"type": "keyword"},
        "cpv_codes_broad": {"type": "keyword"},
        "municipalities": {"type": "keyword"},
        "counties": {"type": "keyword"},
        "has_place": {"type": "boolean"},
        "has_smb_lot": {"type": "boolean"},
        "is_pilot": {"type": "boolean"},
        "value": {"type": "double"},
    }
}
