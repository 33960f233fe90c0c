"""Elasticsearch request bodies and response handling, checked as data (no cluster needed)."""

from __future__ import annotations

import pytest

from search.backends.elasticsearch import normalised_scores, results_from_response
from search.backends.es_bodies import (
    SITE_FIELDS,
    alias_swap_actions,
    language_filter,
    site_search_body,
    text_scores_body,
)
from search.backends.es_documents import (
    DOCUMENTS,
    ContentDocument,
    alias,
    content_mapping,
    versioned_index_name,
)
from search.queries import SiteQuery


def test_every_document_class_has_the_versioned_mapping():
    mapping = content_mapping()["mappings"]

    for document in [ContentDocument, *DOCUMENTS.values()]:
        assert document._doc_type.mapping.to_dict()["properties"] == mapping["properties"]
    assert mapping["dynamic"] == "strict"
    assert mapping["properties"]["title"]["analyzer"] == "norwegian"
    assert mapping["properties"]["title"]["fields"]["en"]["analyzer"] == "english"


def test_aliases_and_versioned_indices_carry_the_prefix(settings):
    settings.SEARCH_INDEX_PREFIX = "pm"

    assert alias("tender") == "pm-tender"
    assert versioned_index_name("need", "20261126") == "pm-need-v1-20261126"
    with pytest.raises(ValueError, match="unknown kind"):
        alias("bid")


def test_alias_swap_is_one_atomic_request():
    assert alias_swap_actions("pm-tender", "pm-tender-v1-2", ["pm-tender-v1-1"]) == {
        "actions": [
            {"remove": {"index": "pm-tender-v1-1", "alias": "pm-tender"}},
            {"add": {"index": "pm-tender-v1-2", "alias": "pm-tender"}},
        ]
    }


def test_site_search_body_is_a_fuzzy_function_score_with_facets():
    body = site_search_body(SiteQuery('Fylkesveier "(((" ', kinds=["tender"], page=3))

    # The language's filter wraps the scored query (tests/search/test_search_language.py).
    scored = body["query"]["bool"]["must"][0]["function_score"]
    assert scored["query"]["multi_match"] == {
        "query": "fylkesveier",
        "fields": SITE_FIELDS,
        "type": "best_fields",
        "operator": "and",
        "fuzziness": "AUTO",
        "prefix_length": 1,
    }
    assert {"gauss": {"date": {"origin": "now", "scale": "180d", "decay": 0.5}}} in scored[
        "functions"
    ]
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"kind": ["tender"]}}]}}
    # A facet is counted under every filter but its own.
    assert body["aggs"]["kind"]["filter"] == {"bool": {}}
    assert body["aggs"]["status"]["filter"] == {
        "bool": {"filter": [{"terms": {"kind": ["tender"]}}]}
    }
    assert body["aggs"]["cpv_division"]["aggs"]["values"]["terms"]["field"] == "cpv_division"
    assert body["from"] == 40
    assert body["size"] == 20
    assert body["highlight"]["encoder"] == "html"
    assert body["highlight"]["pre_tags"] == ["<mark>"]


def test_empty_site_search_lists_newest_first():
    body = site_search_body(SiteQuery("", language="nb"))

    assert body["query"] == {"bool": {"filter": [language_filter("nb").to_dict()]}}
    assert body["sort"] == [{"date": {"order": "desc"}}]
    assert "post_filter" not in body


def test_text_scores_body_matches_any_word_within_the_kind_and_ids():
    body = text_scores_body("supplier", "brøyting av veier", among=[3, 7], limit=5)

    assert body == {
        "query": {
            "bool": {
                "must": [
                    {
                        "multi_match": {
                            "query": "brøyting av veier",
                            "fields": SITE_FIELDS,
                            "type": "most_fields",
                            "operator": "or",
                            "minimum_should_match": "1",
                        }
                    }
                ],
                "filter": [{"term": {"kind": "supplier"}}, {"ids": {"values": ["3", "7"]}}],
            }
        },
        "_source": False,
        "size": 5,
    }


def test_scores_are_normalised_to_the_best_hit():
    response = {"hits": {"hits": [{"_id": "4", "_score": 8.0}, {"_id": "9", "_score": 2.0}]}}

    assert normalised_scores(response) == {4: 1.0, 9: 0.25}
    assert normalised_scores({"hits": {"hits": []}}) == {}


def test_a_response_becomes_site_results():
    response = {
        "hits": {
            "total": {"value": 41, "relation": "eq"},
            "hits": [
                {
                    "_id": "5",
                    "_score": 3.5,
                    "_source": {
                        "kind": "tender",
                        "object_id": 5,
                        "title": "Brøyting <av> vei",
                        "url": "/konkurranser/X/",
                        "status": "published",
                        "source": "own",
                        "date": "2026-11-20T10:00:00+00:00",
                    },
                    "highlight": {"body": ["Vinter &amp; <mark>brøyting</mark>"]},
                }
            ],
        },
        "aggregations": {
            "kind": {
                "doc_count": 41,
                "values": {
                    "buckets": [
                        {"key": "tender", "doc_count": 40},
                        {"key": "need", "doc_count": 1},
                    ]
                },
            }
        },
    }

    results = results_from_response(response, SiteQuery("brøyting", page=2), backend="es")

    assert results.total == 41
    assert results.page == 2
    hit = results.hits[0]
    assert (hit.kind, hit.object_id, hit.score) == ("tender", 5, 3.5)
    assert hit.highlight == "Vinter &amp; <mark>brøyting</mark>"
    assert hit.title_highlight == "Brøyting &lt;av&gt; vei"
    assert hit.date.year == 2026
    assert [(f.value, f.count) for f in results.facets["kind"]] == [("tender", 40), ("need", 1)]
    assert results.facets["county"] == ()
