"""Elasticsearch request bodies, as pure functions of query objects (tests check them as data).

Built with ``elasticsearch.dsl`` and returned as dicts; the backend only sends them.
"""

from __future__ import annotations

from collections.abc import Sequence

from elasticsearch.dsl import A, Q, Search

from search.queries import FACETS, SiteQuery

# Fields of a site-wide search and their weights: title (A), labels (B), body (C).
SITE_FIELDS = ["title^3", "title.en^2", "labels^2", "labels.en", "body", "body.en^0.5"]
# Facet name -> indexed field.
FACET_FIELDS = {
    "kind": "kind",
    "cpv_division": "cpv_division",
    "county": "county",
    "status": "status",
    "source": "source",
}
FACET_SIZE = 50
# Open tenders and needs first among equals; newer before older (half weight after ~6 months).
STATUS_BOOST = {"published": 1.3, "open": 1.3, "listed": 1.1, "live": 1.0}
DATE_SCALE = "180d"
HIGHLIGHT = {
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "encoder": "html",
    "fields": {
        "title": {"number_of_fragments": 0},
        "body": {"fragment_size": 200, "number_of_fragments": 1, "no_match_size": 200},
        "labels": {"fragment_size": 200, "number_of_fragments": 1},
    },
}


def _text_query(text: str) -> Q:
    return Q(
        "multi_match",
        query=text,
        fields=SITE_FIELDS,
        type="best_fields",
        operator="and",
        fuzziness="AUTO",
        prefix_length=1,
    )


def _filter(name: str, values: Sequence[str]) -> Q:
    return Q("terms", **{FACET_FIELDS[name]: list(values)})


def language_filter(language: str) -> Q:
    """CMS pages of ``language``'s tree only; every other kind whatever its language."""
    return Q("bool", should=[~Q("term", kind="page"), Q("term", language=language)])


def site_search_body(query: SiteQuery) -> dict:
    """Text over every kind with a function_score for status and recency; facet filters in
    ``post_filter`` and each facet counted under every filter but its own. The language's
    filter is part of the query itself, so the hits, the total and every facet count the same
    documents."""
    text = " ".join(query.terms)
    if text:
        scored = Q(
            "function_score",
            query=_text_query(text),
            functions=[
                *(
                    {"filter": {"term": {"status": status}}, "weight": weight}
                    for status, weight in STATUS_BOOST.items()
                ),
                {"gauss": {"date": {"origin": "now", "scale": DATE_SCALE, "decay": 0.5}}},
            ],
            score_mode="multiply",
            boost_mode="multiply",
        )
        searched = Q("bool", must=[scored], filter=[language_filter(query.language)])
        search = Search().query(searched).sort("_score", {"date": {"order": "desc"}})
    else:
        listed = Q("bool", filter=[language_filter(query.language)])
        search = Search().query(listed).sort({"date": {"order": "desc"}})
    filters = query.filters()
    if filters:
        search = search.post_filter(Q("bool", filter=[_filter(n, v) for n, v in filters.items()]))
    for name in FACETS:
        others = [_filter(n, v) for n, v in filters.items() if n != name]
        facet = A("filter", Q("bool", filter=others))
        facet.bucket("values", "terms", field=FACET_FIELDS[name], size=FACET_SIZE)
        search.aggs.bucket(name, facet)
    search = search.extra(
        from_=query.offset, size=query.per_page, track_total_hits=True, highlight=HIGHLIGHT
    ).source(["kind", "object_id", "language", "title", "url", "status", "source", "date"])
    return search.to_dict()


def text_scores_body(
    kind: str, text: str, *, among: Sequence[int] | None = None, limit: int = 200
) -> dict:
    """Documents of ``kind`` sharing words with a longer text: any word counts, more count more."""
    filters = [Q("term", kind=kind)]
    if among is not None:
        filters.append(Q("ids", values=[str(pk) for pk in among]))
    query = Q(
        "bool",
        must=[
            Q(
                "multi_match",
                query=text[:5000],
                fields=SITE_FIELDS,
                type="most_fields",
                operator="or",
                minimum_should_match="1",
            )
        ],
        filter=filters,
    )
    return Search().query(query).source(False).extra(size=limit).to_dict()


def alias_swap_actions(alias: str, new_index: str, old_indices: Sequence[str]) -> dict:
    """One atomic ``_aliases`` request: the alias leaves the old indices and points at the new."""
    actions = [{"remove": {"index": old, "alias": alias}} for old in old_indices]
    actions.append({"add": {"index": new_index, "alias": alias}})
    return {"actions": actions}
