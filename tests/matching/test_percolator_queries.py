"""The percolator bodies as data, and their meaning checked by a small evaluator of the few
query clauses they use, against the same cases as the database prefilter."""

from __future__ import annotations

import pytest

from matching.percolator_queries import (
    SearchSpec,
    percolate_body,
    percolate_document,
    percolator_query,
    prefixes,
)


def evaluate(query: dict, doc: dict) -> bool:
    """Just enough of Elasticsearch's bool/terms/term/range/exists/match for these bodies."""
    ((kind, body),) = query.items()
    if kind == "bool":
        musts = body.get("filter", []) + body.get("must", [])
        if not all(evaluate(q, doc) for q in musts):
            return False
        if "must_not" in body and evaluate(body["must_not"], doc):
            return False
        if "should" in body:
            return sum(evaluate(q, doc) for q in body["should"]) >= body["minimum_should_match"]
        return True
    if kind == "terms":
        ((field, values),) = body.items()
        have = doc.get(field, [])
        have = have if isinstance(have, list) else [have]
        return bool(set(have) & set(values))
    if kind == "term":
        ((field, value),) = body.items()
        return doc.get(field) == value
    if kind == "range":
        ((field, bounds),) = body.items()
        if field not in doc:
            return False
        return doc[field] >= bounds.get("gte", float("-inf")) and doc[field] <= bounds.get(
            "lte", float("inf")
        )
    if kind == "exists":
        return body["field"] in doc
    if kind == "match":
        ((field, spec),) = body.items()
        return all(word in doc[field].casefold() for word in spec["query"].casefold().split())
    raise AssertionError(f"unexpected clause {kind}")


def doc(**kwargs):
    defaults = {
        "text": "Ny app for skoleskyss",
        "cpv_codes": ["72212000"],
        "municipalities": ["3201"],
        "counties": ["32"],
        "value": 1_500_000.0,
        "has_smb_lot": False,
        "is_pilot": False,
    }
    return percolate_document(**{**defaults, **kwargs})


def test_prefixes_of_a_code():
    assert prefixes(["72212000"]) == ["72", "722", "7221", "72212", "72212000"]


def test_query_body_for_a_search_is_exact_data():
    body = percolator_query(
        SearchSpec(
            pk=7,
            text="app",
            cpv_codes=("72000000",),
            municipalities=("3201",),
            value_max=2_000_000,
            pilots_only=True,
        )
    )
    assert body == {
        "search_id": 7,
        "query": {
            "bool": {
                "filter": [
                    {
                        "bool": {
                            "should": [
                                {"terms": {"cpv_prefixes": ["72"]}},
                                {"terms": {"cpv_codes_broad": ["72", "72000000"]}},
                            ],
                            "minimum_should_match": 1,
                        }
                    },
                    {
                        "bool": {
                            "should": [
                                {"term": {"has_place": False}},
                                {"terms": {"municipalities": ["3201"]}},
                            ],
                            "minimum_should_match": 1,
                        }
                    },
                    {
                        "bool": {
                            "should": [
                                {"range": {"value": {"lte": 2_000_000}}},
                                {"bool": {"must_not": {"exists": {"field": "value"}}}},
                            ],
                            "minimum_should_match": 1,
                        }
                    },
                    {"term": {"is_pilot": True}},
                ],
                "must": [{"match": {"text": {"query": "app", "operator": "and"}}}],
            }
        },
    }


def test_percolate_body_wraps_the_document():
    document = doc()
    assert percolate_body(document, size=50) == {
        "size": 50,
        "_source": ["search_id"],
        "query": {"percolate": {"field": "query", "document": document}},
    }


@pytest.mark.parametrize(
    ("spec", "document", "matches"),
    [
        (SearchSpec(1, cpv_codes=("72000000",)), doc(), True),
        (SearchSpec(1, cpv_codes=("72212100",)), doc(cpv_codes=["72210000"]), True),
        (SearchSpec(1, cpv_codes=("45000000",)), doc(), False),
        (SearchSpec(1, municipalities=("0301",)), doc(), False),
        (SearchSpec(1, counties=("32",)), doc(), True),
        (SearchSpec(1, municipalities=("0301",)), doc(municipalities=[], counties=[]), True),
        (SearchSpec(1, text="skoleskyss app"), doc(), True),
        (SearchSpec(1, text="brøyting"), doc(), False),
        (SearchSpec(1, text="app", value_min=5_000_000), doc(), False),
        (SearchSpec(1, text="app", value_min=5_000_000), doc(value=None), True),
        (SearchSpec(1, text="app", smb_lots_only=True), doc(), False),
        (SearchSpec(1, text="app", smb_lots_only=True), doc(has_smb_lot=True), True),
        (SearchSpec(1, text="app", pilots_only=True), doc(is_pilot=True), True),
    ],
)
def test_percolator_queries_mean_what_the_database_prefilter_means(spec, document, matches):
    assert evaluate(percolator_query(spec)["query"], document) is matches
