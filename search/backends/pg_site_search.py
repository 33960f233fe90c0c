"""The site search on PostgreSQL: about the same cost for every word, and for no word at all.

Before it reads a row, a search reads what the index keeps about itself (migration 0005): how
many documents of each kind hold each lexeme, and how many documents each facet set holds. It
then chooses, for each set of rows it must count, how to find them:

- *exact*: every match through the GIN index (with the rows the filters allow, by the facet set
  index), when at most ``EXACT_UP_TO`` can match (the rarest word's frequency, or the rows the
  filters allow). Totals and counts are exact.
- *bounded*: when more can match (a word in half the documents), the newest ``CANDIDATES``
  matches, found by walking the newest documents until that many matched: about
  ``CANDIDATES / share`` rows, where the GIN bitmap would visit every match. The hits are the
  best ranked of these candidates; the total is exact where the frequencies give it (one
  lexeme, filtered by kind at most) and otherwise *about* the share seen times the rows the
  filters allow; facet counts are counted among the candidates. A walk reads at most
  ``WALK_ROWS`` rows; when that finds too few, the set is found exactly after all.

The rows to count are those that pass every chosen filter (the hits, the total and the counts of
the facets nobody chose) and, per chosen facet, those that pass every other filter (that
facet's counts, so a reader can widen a choice). All of them are found in one statement.

The empty query (and text without a searchable word) counts its total and facets from the facet
sets' document counts and reads the newest page of rows the filters allow.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from search.models import SearchDocument
from search.queries import LANGUAGES, SiteQuery

from .base import FacetCount
from .db_fulltext import RANK_WEIGHTS, query_terms

# A set expected to hold at most this many matches is found whole through the GIN index.
EXACT_UP_TO = 5000
# A broader set: the newest this many matches are the candidates (ranked, paged, counted).
CANDIDATES = 500
# The most rows one newest-first walk reads before the set is found exactly instead.
WALK_ROWS = 10_000
# The empty query walks the newest rows when the filters allow more than this many; fewer are
# read through the facet set index and sorted.
LIST_SORT_UP_TO = 20_000

COLUMN_FACETS = ("kind", "status", "source")
TABLE_FACETS = ("cpv_division", "county")

# Whether a facet set (alias f) passes a chosen facet (its values in parameter ``p``).
_ROW_TESTS = {
    "kind": "f.kind = ANY(%({p})s)",
    "status": "f.status = ANY(%({p})s)",
    "source": "f.source = ANY(%({p})s)",
    "cpv_division": "f.facet_values ?| %({p})s::text[]",
    "county": "f.facet_values ?| %({p})s::text[]",
}


@dataclass(frozen=True)
class Found:
    """What a search found before the rows of its page are read: (id, rank) of the page, the
    total and whether it is exact, each facet's counts; ``ranked_among`` and ``counted_among``
    say how many of the newest matches were ranked and counted when not all were."""

    ranked: list[tuple[int, float]]
    total: int
    total_exact: bool
    facets: dict[str, tuple[FacetCount, ...]]
    ranked_among: int | None = None
    counted_among: int | None = None


# A search in one language sees the CMS pages of that language's tree only (the page's facet
# set carries "language=nb" or "language=en", ``db_search._facet_values``), every other kind
# whatever its language. Never skipped: facet counts and totals count the same documents.
# A page indexed before its facet set carried a language counts as the default language's
# until ``manage.py search_index --rebuild --kind page`` writes it again.
_PAGE_IN_LANGUAGE = (
    "(f.facet_values ? %(v_language)s"
    " OR (%(v_default)s AND NOT f.facet_values ?| %(v_languages)s::text[]))"
)
_LANGUAGE_TEST = f"(f.kind <> 'page' OR {_PAGE_IN_LANGUAGE})"
# The exact path without chosen facets leaves out the other language's pages (a short list of
# facet sets) rather than listing the thousands of facet sets it keeps.
_OTHER_LANGUAGE = (
    "\n       AND d.facetset <> ALL(ARRAY(SELECT f.id FROM search_facetset f"  # noqa: S608
    f" WHERE f.kind = 'page' AND NOT {_PAGE_IN_LANGUAGE}))"
)


def _params_and_tests(
    filters: dict[str, tuple[str, ...]], language: str | None = None
) -> tuple[dict, dict[str, str]]:
    """The parameters that carry the chosen values, and each chosen facet's SQL test (and the
    language's, named "language", when ``language`` is given). Only our own names (facet
    names) are written into SQL text; every value is a parameter."""
    params: dict = {}
    tests: dict[str, str] = {}
    if language:
        params["v_language"] = f"language={language}"
        params["v_default"] = language == settings.LANGUAGE_CODE[:2]
        params["v_languages"] = [f"language={code}" for code in LANGUAGES]
        tests["language"] = _LANGUAGE_TEST
    for name, values in filters.items():
        params[f"v_{name}"] = (
            list(values) if name in COLUMN_FACETS else [f"{name}={value}" for value in values]
        )
        tests[name] = "(" + _ROW_TESTS[name].format(p=f"v_{name}") + ")"
    return params, tests


def _every(tests: dict[str, str], skip: str = "") -> str:
    return " AND ".join(test for name, test in tests.items() if name != skip) or "TRUE"


def _sorted(tally: dict[str, int]) -> tuple[FacetCount, ...]:
    return tuple(
        FacetCount(str(value), n)
        for value, n in sorted(tally.items(), key=lambda row: (-row[1], str(row[0])))
        if value and n
    )


def _tally(cube, name: str) -> dict[str, int]:
    """One facet's counts from cube rows [kind, status, source, "name=value" list, count]."""
    tally: dict[str, int] = {}
    if name in COLUMN_FACETS:
        index = COLUMN_FACETS.index(name)
        for row in cube:
            tally[row[index]] = tally.get(row[index], 0) + int(row[4])
        return tally
    prefix = f"{name}="
    for row in cube:
        for named in row[3] or ():
            if named.startswith(prefix):
                value = named[len(prefix) :]
                tally[value] = tally.get(value, 0) + int(row[4])
    return tally


def _about(n: float) -> int:
    """``n`` to two significant digits (an estimate should not look exact)."""
    if n < 100:
        return round(n)
    scale = 10 ** (int(math.log10(n)) - 1)
    return int(round(n / scale) * scale)


# --- The empty query --------------------------------------------------------------------------

# Every facet's counts and the total from the facet sets' document counts, in SQL (a few
# thousand rows): a column facet groups by its column, a multi-valued one by its "name=value"
# entries; each applies every chosen filter but its own.
_LIST_COLUMN = (
    "(SELECT json_object_agg(v, n) FROM (SELECT f.{name} AS v, sum(f.ndoc) AS n "
    "FROM search_facetset f WHERE f.ndoc > 0 AND {every} GROUP BY 1) t)"
)
_LIST_TABLE = (
    "(SELECT json_object_agg(v, n) FROM (SELECT substr(e, {start}) AS v, sum(f.ndoc) AS n "
    "FROM search_facetset f, jsonb_array_elements_text(f.facet_values) AS e "
    "WHERE f.ndoc > 0 AND e LIKE '{name}=%%' AND {every} GROUP BY 1) t)"
)
_LIST_WALK = """
SELECT d.id FROM search_searchmatch d JOIN search_facetset f ON f.id = d.facetset
 WHERE {every}
 ORDER BY d.date DESC, d.id DESC LIMIT %(limit)s OFFSET %(offset)s
"""
_LIST_SORT = """
WITH s AS MATERIALIZED (
    SELECT d.id, d.date FROM search_searchmatch d
     WHERE d.facetset = ANY(ARRAY(SELECT f.id FROM search_facetset f WHERE {every}))
)
SELECT id FROM s ORDER BY date DESC, id DESC LIMIT %(limit)s OFFSET %(offset)s
"""


def list_everything(query: SiteQuery) -> Found:
    """Newest first, with the total and every facet's counts from the facet sets' document
    counts (a few thousand rows whatever the size of the index)."""
    filters = query.filters()
    params, tests = _params_and_tests(filters, query.language)
    parts = [
        "(SELECT coalesce(sum(f.ndoc), 0) FROM search_facetset f WHERE " + _every(tests) + ")"  # noqa: S608
    ]
    for name in COLUMN_FACETS:
        parts.append(_LIST_COLUMN.format(name=name, every=_every(tests, name)))
    for name in TABLE_FACETS:
        parts.append(_LIST_TABLE.format(name=name, start=len(name) + 2, every=_every(tests, name)))
    with connection.cursor() as cursor:
        # Our own SQL around the facet tests; every value is a parameter.
        cursor.execute("SELECT json_build_array(" + ", ".join(parts) + ")", params)
        (result,) = cursor.fetchone()
        total, *tallies = json.loads(result) if isinstance(result, str) else result
        facets = {
            name: _sorted({value: int(n) for value, n in (tally or {}).items()})
            for name, tally in zip((*COLUMN_FACETS, *TABLE_FACETS), tallies, strict=True)
        }
        params.update(limit=query.per_page, offset=query.offset)
        sql = _LIST_SORT if int(total) <= LIST_SORT_UP_TO else _LIST_WALK
        cursor.execute(sql.format(every=_every(tests)), params)
        ids = [row[0] for row in cursor.fetchall()]
    return Found([(pk, 0.0) for pk in ids], int(total), True, facets)


# --- Text -------------------------------------------------------------------------------------

_STATS = """
WITH l AS (SELECT DISTINCT lexeme FROM unnest(to_tsvector('norwegian', %(text)s))){page_rows}
SELECT json_build_object(
    'lexemes', (SELECT json_agg(lexeme) FROM l),
    'frequencies', (SELECT json_agg(json_build_array(x.lexeme, x.kind, x.ndoc))
                      FROM search_lexeme x WHERE x.lexeme IN (SELECT lexeme FROM l)),
    'kinds', (SELECT json_object_agg(kind, n)
                FROM (SELECT kind, sum(ndoc) AS n FROM search_facetset f
                       WHERE {language} GROUP BY kind) k),
    'allowed', json_build_array({allowed}),
    'pages', {pages}
)
"""
# How many of the active language's CMS pages hold each lexeme (a few hundred pages at most,
# read by their facet sets): ``search_lexeme`` counts the pages of both languages.
_PAGE_FREQUENCIES = """(
    SELECT json_object_agg(l.lexeme, (SELECT count(*) FROM p WHERE p.vector @@ l.query))
      FROM (SELECT lexeme, quote_literal(lexeme)::tsquery AS query FROM l
             WHERE strpos(lexeme, chr(92)) = 0) l)"""
_PAGE_ROWS = f""",
p AS MATERIALIZED (
    SELECT d.vector FROM search_searchmatch d
     WHERE d.facetset = ANY(ARRAY(SELECT f.id FROM search_facetset f
                                   WHERE f.kind = 'page' AND {_PAGE_IN_LANGUAGE})))"""  # noqa: S608


def _stats(cursor, params: dict, allowed: str) -> dict:
    """What the index keeps about the text's lexemes (``_STATS``). With a language
    (``params["v_language"]``), the frequencies of kind "page" are those of that language's
    pages, counted here, so every estimate and exact total below counts the same pages the
    search shows."""
    language = "v_language" in params
    # Our own SQL text; every value is a parameter.
    sql = _STATS.format(
        allowed=allowed,
        language=_LANGUAGE_TEST if language else "TRUE",
        page_rows=_PAGE_ROWS if language else "",
        pages=_PAGE_FREQUENCIES if language else "NULL",
    )
    cursor.execute(sql, params)
    (stats,) = cursor.fetchone()
    if isinstance(stats, str):
        stats = json.loads(stats)
    pages = stats.get("pages")
    if pages is not None:
        stats["frequencies"] = [row for row in stats["frequencies"] or () if row[1] != "page"] + [
            [lexeme, "page", int(n)] for lexeme, n in pages.items()
        ]
    return stats


_EXACT = """
    SELECT d.id, d.facetset, d.date, d.vector, 0 AS rn FROM search_searchmatch d, q
     WHERE d.vector @@ q.query{restrict}
"""
_RESTRICT = "\n       AND d.facetset = ANY(ARRAY(SELECT f.id FROM search_facetset f WHERE {every}))"
# The walk streams the newest rows and stops at the CANDIDATES-th match. No ORDER BY outside:
# the rows come in the walk's order, and a sort there would read all WALK_ROWS rows first.
_BOUNDED = """
    SELECT w.id, w.facetset, w.date, w.vector, w.rn
      FROM (SELECT d.id, d.facetset, d.date, d.vector,
                   row_number() OVER (ORDER BY d.date DESC, d.id DESC) AS rn
              FROM search_searchmatch d JOIN search_facetset f ON f.id = d.facetset
             WHERE {every}
             ORDER BY d.date DESC, d.id DESC
             LIMIT %(walk)s) w
     WHERE w.vector @@ plainto_tsquery('norwegian'::regconfig, %(text)s)
     LIMIT %(candidates)s
"""
_SET_SUMMARY = """
    (SELECT json_build_object(
        'n', (SELECT count(*) FROM s{i}),
        'rn', (SELECT max(rn) FROM s{i}),
        'cube', (SELECT json_agg((SELECT json_build_array(f.kind, f.status, f.source,
                                                          f.facet_values, x.c)
                                    FROM search_facetset f WHERE f.id = x.facetset))
                   FROM (SELECT facetset, count(*) AS c FROM s{i} GROUP BY facetset) x)))
"""
_SEARCH = """
WITH q AS (SELECT plainto_tsquery('norwegian', %(text)s) AS query),
{sets}
SELECT json_build_object(
    'hits', (SELECT json_agg(json_build_array(h.id, h.rank) ORDER BY h.rank DESC, h.date DESC,
                             h.id DESC)
               FROM (SELECT s0.id, ts_rank(%(weights)s::float4[], s0.vector, q.query) AS rank,
                            s0.date
                       FROM s0, q
                      ORDER BY rank DESC, s0.date DESC, s0.id DESC
                      LIMIT %(limit)s OFFSET %(offset)s) h),
    'sets', json_build_array({summaries})
)
"""


@dataclass
class _Set:
    """Rows a search counts: those passing ``filters`` (the chosen filters but ``skip``)."""

    skip: str
    filters: dict[str, tuple[str, ...]]
    allowed: int = 0
    most: int = 0
    independent: float = 0.0
    exact: bool = True


def _frequency(stats, lexeme: str, kinds) -> int:
    return sum(n for lx, kind, n in stats["frequencies"] or () if lx == lexeme and kind in kinds)


def text_search(query: SiteQuery) -> Found | None:
    """The page, the total and the facet counts of a text search; None when nothing matches
    (the caller then tries the typo path)."""
    filters = query.filters()
    text = " ".join(query_terms(query.text))
    params, tests = _params_and_tests(filters, query.language)
    sets = [_Set("", filters)] + [
        _Set(name, {k: v for k, v in filters.items() if k != name}) for name in filters
    ]
    # Our own SQL around the facet tests; every value is a parameter.
    allowed = ", ".join(
        f"(SELECT coalesce(sum(f.ndoc), 0) FROM search_facetset f WHERE {_every(tests, s.skip)})"  # noqa: S608
        if s.filters
        else "NULL"  # every document of the language: the sum of the kinds'
        for s in sets
    )
    params["text"] = text
    with connection.cursor() as cursor:
        stats = _stats(cursor, params, allowed)
        lexemes = stats["lexemes"] or []
        if not lexemes:
            return None
        by_kind = {kind: int(n) for kind, n in (stats["kinds"] or {}).items()}
        for index, s in enumerate(sets):
            allowed = stats["allowed"][index]
            s.allowed = sum(by_kind.values()) if allowed is None else int(allowed)
            # At most this many can match: as many as the rarest word has, or the filters
            # allow. Words that are broad on their own are walked even when they seldom meet:
            # a walk costs at most WALK_ROWS rows (then the few matches are found exactly),
            # while finding every match of two words that always meet costs every match.
            kinds = set(s.filters.get("kind", by_kind))
            s.most = min(s.allowed, *(_frequency(stats, lexeme, kinds) for lexeme in lexemes))
            s.exact = s.most <= EXACT_UP_TO or s.allowed <= CANDIDATES
            # As if the words and filters were independent: an estimate's lower bound when
            # the newest rows are of a kind that seldom holds the words.
            documents = sum(by_kind.get(kind, 0) for kind in kinds) or 1
            s.independent = s.allowed * math.prod(
                _frequency(stats, lexeme, kinds) / documents for lexeme in lexemes
            )
        # A walk that reads its rows and finds too few tries once more, four times as far
        # (the matches may all be older than the newest rows, one kind behind another); then
        # fewer match than the frequencies allowed, and finding them all is cheap after all.
        for walk in (WALK_ROWS, 4 * WALK_ROWS, 0):
            sets[0].exact = sets[0].exact or not walk
            result = _run(cursor, query, sets, params, tests, walk or WALK_ROWS)
            found = int(result["sets"][0]["n"])
            if sets[0].exact or found >= CANDIDATES or sets[0].allowed <= walk:
                break
    return _found(result, sets, lexemes, stats, by_kind, walk or WALK_ROWS)


def _run(cursor, query: SiteQuery, sets: list[_Set], params: dict, tests: dict, walk: int) -> dict:
    ctes = []
    for index, s in enumerate(sets):
        if s.exact:
            if s.filters:
                restrict = _RESTRICT.format(every=_every(tests, s.skip))
            else:
                restrict = _OTHER_LANGUAGE if "language" in tests else ""
            body = _EXACT.format(restrict=restrict)
        else:
            body = _BOUNDED.format(every=_every(tests, s.skip))
        ctes.append(f"s{index} AS MATERIALIZED ({body})")
    sql = _SEARCH.format(
        sets=",\n".join(ctes),
        summaries=", ".join(_SET_SUMMARY.format(i=index) for index in range(len(sets))),
    )
    params = {
        **params,
        "weights": RANK_WEIGHTS,
        "limit": query.per_page,
        "offset": query.offset,
        "walk": walk,
        "candidates": CANDIDATES,
    }
    cursor.execute(sql, params)
    (result,) = cursor.fetchone()
    return json.loads(result) if isinstance(result, str) else result


def _found(result: dict, sets: list[_Set], lexemes, stats, by_kind, walk: int) -> Found | None:
    first, summary = sets[0], result["sets"][0]
    n = int(summary["n"])
    if not n:
        return None
    total, exact = n, True
    one_lexeme = len(lexemes) == 1
    if not first.exact and n >= CANDIDATES:
        kinds = set(first.filters.get("kind", by_kind))
        if one_lexeme and set(first.filters) <= {"kind"}:
            total = _frequency(stats, lexemes[0], kinds)
        else:
            # The share of the rows walked that matched, times the rows the filters allow.
            seen = n / max(int(summary["rn"] or n), 1)
            guess = min(max(seen * first.allowed, first.independent), first.most)
            total, exact = max(n, _about(guess)), False
    facets: dict[str, tuple[FacetCount, ...]] = {}
    sampled = False
    for name in (*COLUMN_FACETS, *TABLE_FACETS):
        index = next((i for i, s in enumerate(sets) if s.skip == name), 0)
        s, found = sets[index], result["sets"][index]
        if name == "kind" and one_lexeme and not s.filters and not s.exact:
            # Exact from the frequencies: the documents of each kind that hold the word.
            facets[name] = _sorted(
                {kind: _frequency(stats, lexemes[0], {kind}) for kind in by_kind}
            )
            continue
        facets[name] = _sorted(_tally(found["cube"] or [], name))
        # A walk that found fewer than CANDIDATES within the rows allowed found them all.
        sampled |= not s.exact and (int(found["n"]) >= CANDIDATES or s.allowed > walk)
    ranked = [(int(pk), float(rank)) for pk, rank in result["hits"] or []]
    return Found(
        ranked,
        total,
        exact,
        facets,
        ranked_among=CANDIDATES if not first.exact and n >= CANDIDATES else None,
        counted_among=CANDIDATES if sampled else None,
    )


# What a hit shows (db_search reads the same columns for its page of hits).
HIT_FIELDS = (
    "kind",
    "object_id",
    "language",
    "title",
    "body",
    "labels",
    "url",
    "status",
    "source",
    "date",
)


def rows_of(ranked: list[tuple[int, float]]) -> dict[int, SearchDocument]:
    return SearchDocument.objects.only(*HIT_FIELDS).in_bulk([pk for pk, _rank in ranked])


# --- One kind's newest matches (the supplier directory) ---------------------------------------

# How often each of the text's lexemes occurs among the documents of one kind.
_KIND_FREQUENCIES = """
WITH l AS (SELECT DISTINCT lexeme FROM unnest(to_tsvector('norwegian', %(text)s)))
SELECT l.lexeme, coalesce(x.ndoc, 0)
  FROM l LEFT JOIN search_lexeme x ON x.lexeme = l.lexeme AND x.kind = %(kind)s
"""
# How many of the newest documents of one kind hold the words, counted up to CANDIDATES: they are
# walked in the order of the index on (kind, date DESC, id) until CANDIDATES matched or
# WALK_ROWS were read.
_NEWEST_OF_KIND = """
SELECT count(*)
  FROM (SELECT 1
          FROM (SELECT d.vector FROM search_searchdocument d
                 WHERE d.kind = %(kind)s
                 ORDER BY d.date DESC, d.id
                 LIMIT %(walk)s) w,
               (SELECT plainto_tsquery('norwegian', %(text)s) AS query) q
         WHERE w.vector @@ q.query
         LIMIT %(candidates)s) m
"""


def broad_word(kind: str, text: str) -> bool:
    """Whether ``text`` is too broad among the documents of ``kind`` to find every match (the
    site search's rule): its rarest word is held by more than ``EXACT_UP_TO`` of them and
    ``CANDIDATES`` of the newest ``WALK_ROWS`` hold every word. Then a search ranks its newest
    ``CANDIDATES`` matches (``newest_matches_among``); otherwise every match (``every_match``),
    as for broad words that seldom meet."""
    params = {"kind": kind, "text": " ".join(query_terms(text))}
    with connection.cursor() as cursor:
        cursor.execute(_KIND_FREQUENCIES, params)
        frequencies = [int(n) for _lexeme, n in cursor.fetchall()]
        if not frequencies or min(frequencies) <= EXACT_UP_TO:
            return False
        params.update(walk=WALK_ROWS, candidates=CANDIDATES)
        cursor.execute(_NEWEST_OF_KIND, params)
        (found,) = cursor.fetchone()
    return int(found) >= CANDIDATES


_EVERY_OF_KIND = """
SELECT d.object_id
  FROM search_searchdocument d, plainto_tsquery('norwegian', %(text)s) q
 WHERE d.kind = %(kind)s AND d.vector @@ q
 ORDER BY ts_rank(%(weights)s::float4[], d.vector, q) DESC, d.title, d.object_id
 LIMIT %(limit)s
"""


def every_match(kind: str, text: str, *, limit: int | None = None) -> list[int]:
    """The object ids of every document of ``kind`` holding every word of ``text``, best
    first (then by title; the object id settles the rest, so any ``limit`` gives the start of
    the same list): the GIN path, for words that ``broad_word`` leaves to it (at most about
    ``EXACT_UP_TO`` matches, or broad words that seldom meet). The first ``limit`` are kept
    by a top-N sort and are all that cross to Python (4,656 matches: 22-43 ms whole, 10-20 ms
    for the first 1,001)."""
    params = {
        "kind": kind,
        "text": " ".join(query_terms(text)),
        "weights": RANK_WEIGHTS,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(_EVERY_OF_KIND, params)
        return [int(row[0]) for row in cursor.fetchall()]


# The newest documents of one kind that hold the words and whose object is one of ``among`` (the
# caller's filtered list, a subquery), in the walk's order, ``limit`` of them at most: PostgreSQL
# chooses how (the newest index probing each object in the list, or the list's objects looked
# up, the rarer first). ``by_title`` is each row's place among those found best first, then by
# title and object id, as every match is ranked when all of them are found.
_NEWEST_AMONG = """
SELECT m.object_id, m.rank,
       row_number() OVER (ORDER BY m.rank DESC, m.title, m.object_id) AS by_title
  FROM (SELECT d.object_id, ts_rank(%s::float4[], d.vector, q.query) AS rank, d.title,
               d.date, d.id
          FROM search_searchdocument d, (SELECT plainto_tsquery('norwegian', %s) AS query) q
         WHERE d.kind = %s AND d.vector @@ q.query AND d.object_id IN ({among})
         ORDER BY d.date DESC, d.id
         LIMIT %s) m
 ORDER BY m.date DESC, m.id
"""


def newest_matches_among(
    kind: str, text: str, among: tuple[str, tuple], *, limit: int
) -> list[tuple[int, float, int]]:
    """(object id, rank, place by rank then title) of the newest ``limit`` documents of ``kind``
    holding every word of ``text`` whose object id ``among`` (SQL and its parameters, a query of
    one column) lists, newest first: a broad word's candidates (``broad_word``), whatever the
    directory's filters."""
    sql, among_params = among
    params = [RANK_WEIGHTS, " ".join(query_terms(text)), kind, *among_params, limit]
    with connection.cursor() as cursor:
        # Our own SQL around the ORM's subquery; every value is a parameter.
        cursor.execute(_NEWEST_AMONG.format(among=sql), params)
        return [(int(pk), float(rank), int(place)) for pk, rank, place in cursor.fetchall()]
