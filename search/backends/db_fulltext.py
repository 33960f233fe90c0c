"""Full-text matching inside the database: PostgreSQL tsvector + trigram, or SQLite FTS5.

The database backend writes and queries ``SearchDocument`` rows through one of these two
engines, chosen by the connection's vendor. Both take the same ``Document`` values and the same
query terms and return a queryset of matching rows annotated with ``search_rank`` (higher is
better), so the backend's facets, ordering and pages are shared code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import F, FloatField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Lower

from search.models import SearchDocument
from search.scoring import (
    BODY_WEIGHT,
    LABELS_WEIGHT,
    TITLE_WEIGHT,
    Overlap,
    cosines,
    stored_terms,
)
from search.text import searchable_words, stem, stemmed_text, stems

# How alike a query must be to a title's words to count as a typo of them (pg_trgm).
TRIGRAM_THRESHOLD = 0.5
# ts_rank weights for D, C, B, A (body C, labels B, title A).
RANK_WEIGHTS = [0.1, 0.3, 0.6, 1.0]
# SQLite: bm25 weights for the FTS5 columns title, labels, body.
BM25_WEIGHTS = "10.0, 4.0, 1.0"
MAX_SPELLINGS = 4
# At most this many titles count as typo matches.
MAX_TYPO_HITS = 500
_FRESH_VECTOR = (
    "setweight(to_tsvector('norwegian', v.title), 'A') || "
    "setweight(to_tsvector('norwegian', v.labels), 'B') || "
    "setweight(to_tsvector('norwegian', v.body), 'C')"
)


class PostgresFulltext:
    vendor = "postgresql"

    def vector_for(self, document):
        """The weighted tsvector, made by the INSERT itself (no second write of every row, so
        no dead row versions to bloat the table the searches read)."""
        return (
            SearchVector(Value(document.title[:2000]), weight="A", config="norwegian")
            + SearchVector(Value(document.labels), weight="B", config="norwegian")
            + SearchVector(Value(document.body), weight="C", config="norwegian")
        )

    def after_write(self, ids: Sequence[int]) -> None:
        """The rows carry their vectors from the INSERT."""

    def before_delete(self, ids: Sequence[int]) -> None:
        """Rows carry their own vector; deleting them is enough."""

    def spellings(self, terms: Sequence[str]) -> dict[str, tuple[str, ...]]:
        return {term: (term,) for term in terms}

    def match(self, queryset: QuerySet, text: str) -> QuerySet:
        """Full-text matches (GIN index) ranked by ``ts_rank``; only when there are none, titles
        that look like the query (pg_trgm word similarity) so a typo still finds something."""
        terms = query_terms(text)
        tsquery = SearchQuery(" ".join(terms), config="norwegian", search_type="plain")
        found = queryset.filter(vector=tsquery).annotate(
            search_rank=SearchRank(F("vector"), tsquery, weights=RANK_WEIGHTS)
        )
        if found.exists():
            return found
        text = " ".join(terms)
        with connection.cursor() as cursor:
            # For this connection's session: what "%>" (word similarity) counts as alike.
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(TRIGRAM_THRESHOLD)],
            )
        # "%>" can use the trigram GIN index on lower(title); the function ranks what it found.
        alike = RawSQL("SELECT id FROM search_searchdocument WHERE lower(title) %%> %s", [text])
        # Fetched once: the page, the count and every facet then filter by these ids.
        ids = list(queryset.filter(id__in=alike).values_list("id", flat=True)[:MAX_TYPO_HITS])
        similarity = TrigramWordSimilarity(Value(text), Lower("title"))
        return queryset.filter(id__in=ids).annotate(search_rank=Coalesce(similarity, Value(0.0)))


def _pg_weight_case() -> str:
    """The SQL that turns a position's weight label into the field weight of the scorer (our
    constants, formatted as numbers)."""
    return (
        f"CASE w WHEN 'A' THEN {float(TITLE_WEIGHT)} WHEN 'B' THEN {float(LABELS_WEIGHT)} "
        f"ELSE {float(BODY_WEIGHT)} END"
    )


# Per document that shares a lexeme with the query: Σ (1 + ln tf)² over the lexemes the query
# lacks, and the weighted tf of each lexeme it shares (title A, labels B, body C). The documents
# come from ``source``; there is no "@@" here, so PostgreSQL reads the few documents asked for
# by id instead of walking the GIN index for a word that half the index holds.
_OVERLAP_ROWS = """
SELECT s.id,
       coalesce(sum(power(1 + ln(u.tf), 2)) FILTER (WHERE NOT u.lexeme = ANY(q.lexemes)), 0),
       array_agg(u.lexeme) FILTER (WHERE u.lexeme = ANY(q.lexemes)),
       array_agg(u.tf) FILTER (WHERE u.lexeme = ANY(q.lexemes))
  FROM q, ({source}) s
  CROSS JOIN LATERAL (
       SELECT x.lexeme,
              coalesce((SELECT sum({weight}) FROM unnest(x.weights) AS w), 1)::float8 AS tf
         FROM unnest(s.vector) AS x) u
 GROUP BY s.id
HAVING bool_or(u.lexeme = ANY(q.lexemes))
"""
_OVERLAPS = "WITH q AS (SELECT %s::text[] AS lexemes)" + _OVERLAP_ROWS
# Over this many documents (text_scores among everything indexable), only those holding one of
# the query's rarer lexemes are scored: their frequencies are counted first (GIN), and the rarest
# lexemes are kept while they hold at most this many documents together. A document that shares
# only common words with the text cannot score high, and the frequencies stay exact.
TEXT_CANDIDATES = 2000
_LEXEME_FREQUENCIES = """
SELECT l, (SELECT count(*) FROM search_searchdocument d
            WHERE d.kind = %s AND d.vector @@ quote_literal(l)::tsquery)
  FROM unnest(%s::text[]) AS l
"""
_STORED_SOURCE = (
    "SELECT d.object_id AS id, d.vector FROM search_searchdocument d "
    "WHERE d.kind = %s AND d.object_id = ANY(%s) AND d.vector IS NOT NULL"
)
# The text's lexemes and how often each occurs. Lexemes with a quote or a backslash cannot be
# written as tsquery literals; the parser hardly ever makes them, and leaving one out only drops
# that word.
_TEXT_LEXEMES = """
SELECT lexeme, coalesce(array_length(positions, 1), 1)::float8 AS occurrences
  FROM unnest(to_tsvector('norwegian', %s))
 WHERE strpos(lexeme, chr(39)) = 0 AND strpos(lexeme, chr(92)) = 0
"""
# A shortlist's scores in one statement: first a row without id holding the text's lexemes and
# their counts (``_TEXT_LEXEMES``), then ``_OVERLAP_ROWS`` for each document of ``source``.
_SHORTLIST_HEAD = """
WITH words AS ({lexemes}),
q AS (SELECT array_agg(lexeme) AS lexemes FROM words)
SELECT NULL::bigint, 0::float8, array_agg(lexeme), array_agg(occurrences) FROM words
UNION ALL
"""
_SHORTLIST_SCORES = "".join((_SHORTLIST_HEAD, "(", _OVERLAP_ROWS, ")\n"))


def postgres_text_scores(
    kind: str, text: str, ids: Sequence[int], unindexed_documents
) -> dict[int, float]:
    """{object id: relevance in 0..1} for the ``ids`` of ``kind`` that share a word with
    ``text``: TF-IDF cosines (``search.scoring.cosines``, as on SQLite) over the lexemes of
    PostgreSQL's ``norwegian`` configuration, read from the stored, weighted ``vector`` of the
    index. Ids the index does not hold (drafts, objects not indexed yet) get their vector made
    the same way from ``unindexed_documents(ids)`` (fresh ``Document`` values of those of the
    ids the index lacks), so every object asked for is scored on one scale.

    A shortlist (at most ``TEXT_CANDIDATES`` ids, as the matcher asks) costs two statements
    whatever the index holds: the unindexed documents, then the text's lexemes with the overlaps
    of stored and fresh vectors together (``_SHORTLIST_SCORES``)."""
    text = text.replace("\x00", " ")  # PostgreSQL text cannot hold NUL
    if not ids or not text.strip():
        return {}
    ids = [int(pk) for pk in ids]
    if len(ids) > TEXT_CANDIDATES:
        return _postgres_text_scores_among_many(kind, text, ids, unindexed_documents)
    fresh = list(unindexed_documents(ids))
    source, params = _STORED_SOURCE, [kind, ids]
    if fresh:
        fresh_source, fresh_params = _fresh_source(fresh)
        source = f"{source} UNION ALL {fresh_source}"
        params += fresh_params
    with connection.cursor() as cursor:
        # The SQL text is our constants; every value is a parameter.
        cursor.execute(
            _SHORTLIST_SCORES.format(
                lexemes=_TEXT_LEXEMES, source=source, weight=_pg_weight_case()
            ),
            [text, *params],
        )
        rows = cursor.fetchall()
    query_counts: dict[str, float] = {}
    overlaps: dict[int, Overlap] = {}
    for object_id, rest, shared, counts in rows:
        if object_id is None:  # the text's own lexemes and how often each occurs
            query_counts = dict(zip(shared or (), counts or (), strict=True))
            continue
        overlaps[int(object_id)] = Overlap(dict(zip(shared or (), counts or (), strict=True)), rest)
    if not query_counts:
        return {}
    return cosines(query_counts, overlaps, total=len(ids), limit=len(ids))


def _fresh_source(fresh) -> tuple[str, list]:
    """A ``source`` of vectors made from fresh documents, as the index makes them."""
    values = ", ".join(["(%s, %s, %s, %s)"] * len(fresh))
    # Our constant SQL around placeholders; every value is a parameter.
    source = (
        f"SELECT v.id, {_FRESH_VECTOR} AS vector "  # noqa: S608
        f"FROM (VALUES {values}) v(id, title, labels, body)"
    )
    params = [
        value
        for document in fresh
        for value in (document.object_id, document.title, document.labels, document.body)
    ]
    return source, params


def _postgres_text_scores_among_many(
    kind: str, text: str, ids: list[int], unindexed_documents
) -> dict[int, float]:
    """``postgres_text_scores`` among more than ``TEXT_CANDIDATES`` ids: the lexemes first,
    their frequencies in the index, then only documents holding one of the rarer lexemes."""
    overlaps: dict[int, Overlap] = {}
    with connection.cursor() as cursor:
        cursor.execute(_TEXT_LEXEMES, [text])
        query_counts = dict(cursor.fetchall())
        if not query_counts:
            return {}
        lexemes = list(query_counts)
        weight = _pg_weight_case()
        cursor.execute(_LEXEME_FREQUENCIES, [kind, lexemes])
        frequencies = {lexeme: int(count) for lexeme, count in cursor.fetchall()}
        rare = _rarest(frequencies, TEXT_CANDIDATES)
        source = _STORED_SOURCE + " AND d.vector @@ %s::tsquery"
        params = [lexemes, kind, ids, " | ".join(f"'{lexeme}'" for lexeme in rare)]
        # The SQL text is our constant; every value is a parameter.
        cursor.execute(_OVERLAPS.format(source=source, weight=weight), params)
        rows = cursor.fetchall()
        fresh = list(unindexed_documents(ids))
        if fresh:
            source, fresh_params = _fresh_source(fresh)
            cursor.execute(_OVERLAPS.format(source=source, weight=weight), [lexemes, *fresh_params])
            rows += cursor.fetchall()
    for object_id, rest, shared, counts in rows:
        overlaps[int(object_id)] = Overlap(dict(zip(shared or (), counts or (), strict=True)), rest)
    return cosines(query_counts, overlaps, total=len(ids), frequencies=frequencies, limit=len(ids))


def _rarest(frequencies: dict[str, int], budget: int) -> list[str]:
    """The rarest lexemes that together hold at most ``budget`` documents (at least one)."""
    kept: list[str] = []
    held = 0
    for lexeme, count in sorted(frequencies.items(), key=lambda item: (item[1], item[0])):
        if kept and held + count > budget:
            break
        kept.append(lexeme)
        held += count
    return kept


_STORED_WORDS = """
    SELECT d.object_id, f.title, f.labels, f.body
      FROM search_searchdocument d JOIN search_document_fts f ON f.rowid = d.id
     WHERE d.kind = %s AND d.{column} IN ({marks})
"""


def sqlite_stored_terms(
    kind: str, ids: Sequence[int], text: str | None
) -> tuple[dict[int, Counter[str]], set[int]]:
    """SQLite: ({object id: weighted term counts}, {object ids the index holds}) for the
    ``ids`` of ``kind``, read from the stemmed words of the FTS5 table. With ``text``, only
    the documents that share a stem with it are read (one FTS5 MATCH for their row ids, then
    the rows by id: an FTS5 MATCH inside a join is evaluated row by row and is slow); the ids
    the index holds are then looked up on their own, so the caller can tell "no shared word"
    from "not indexed yet"."""
    wanted = {int(pk) for pk in ids}
    found: dict[int, Counter[str]] = {}
    indexed: set[int] = set()

    def read(column: str, keys: list[int]) -> None:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            # The SQL text is our constant with placeholders; every value is a parameter.
            cursor.execute(_STORED_WORDS.format(column=column, marks=marks), [kind, *chunk])
            for object_id, title, labels, body in cursor.fetchall():
                if int(object_id) in wanted:
                    found[int(object_id)] = stored_terms(title, labels, body)

    with connection.cursor() as cursor:
        if text is None:
            read("object_id", sorted(wanted))
            return found, set(found)
        terms = list(dict.fromkeys(stems(text)))
        cursor.execute(
            "SELECT rowid FROM search_document_fts WHERE search_document_fts MATCH %s",
            [" OR ".join(f'"{term}"' for term in terms)],
        )
        read("id", [row[0] for row in cursor.fetchall()])
    keys = sorted(wanted)
    for start in range(0, len(keys), 500):
        indexed.update(
            SearchDocument.objects.filter(
                kind=kind, object_id__in=keys[start : start + 500]
            ).values_list("object_id", flat=True)
        )
    return found, indexed


def _edit_distance(a: str, b: str, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


class SqliteFulltext:
    vendor = "sqlite"

    def vector_for(self, document) -> None:
        """SQLite keeps the words in its FTS5 table (``after_write``), not on the row."""
        return None

    def after_write(self, ids: Sequence[int]) -> None:
        rows = SearchDocument.objects.filter(id__in=ids).values_list(
            "id", "title", "labels", "body"
        )
        # A flush (tests) or a restored backup empties the rows but not this virtual table:
        # clear whatever a reused id left behind before writing.
        self.before_delete(list(ids))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT OR REPLACE INTO search_document_fts (rowid, title, labels, body) "
                "VALUES (%s, %s, %s, %s)",
                [
                    (pk, stemmed_text([title]), stemmed_text([labels]), stemmed_text([body]))
                    for pk, title, labels, body in rows
                ],
            )

    def before_delete(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM search_document_fts WHERE rowid IN ({marks})", chunk)  # noqa: S608

    def spellings(self, terms: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Each stem with the indexed stems one or two edits away when it is not indexed itself."""
        found: dict[str, tuple[str, ...]] = {}
        with connection.cursor() as cursor:
            for term in terms:
                cursor.execute("SELECT 1 FROM search_document_vocab WHERE term = %s", [term])
                if cursor.fetchone() or len(term) < 4 or term.isdigit():
                    found[term] = (term,)
                    continue
                # Snowball stems are short ("brøytnig" -> "brøytn", two edits from "brøyting"):
                # two edits from six letters of stem on.
                limit = 1 if len(term) < 6 else 2
                cursor.execute(
                    "SELECT term FROM search_document_vocab WHERE length(term) BETWEEN %s AND %s "
                    "AND (substr(term, 1, 1) = %s OR substr(term, 2, 1) = %s) "
                    "ORDER BY doc DESC LIMIT 5000",
                    [len(term) - limit, len(term) + limit, term[0], term[1]],
                )
                near = [row[0] for row in cursor.fetchall()]
                near = sorted(
                    (c for c in near if _edit_distance(term, c, limit) <= limit),
                    key=lambda c: _edit_distance(term, c, limit),
                )
                found[term] = (term, *near[:MAX_SPELLINGS])
        return found

    def match(self, queryset: QuerySet, text: str) -> QuerySet:
        terms = query_stems(text)
        if not terms:
            return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
        spelled = self.spellings(terms)
        expression = " AND ".join(
            "(" + " OR ".join(f'"{spelling}"' for spelling in spelled[term]) + ")" for term in terms
        )
        # The MATCH expression is a parameter; the only literals are our own constants.
        rank = RawSQL(  # noqa: S611
            f"SELECT -bm25(search_document_fts, {BM25_WEIGHTS}) FROM search_document_fts "  # noqa: S608
            "WHERE search_document_fts MATCH %s AND rowid = search_searchdocument.id",
            [expression],
            output_field=FloatField(),
        )
        matching = RawSQL(
            "SELECT rowid FROM search_document_fts WHERE search_document_fts MATCH %s",
            [expression],
        )
        return queryset.filter(id__in=matching).annotate(search_rank=rank)


def engine():
    return PostgresFulltext() if connection.vendor == "postgresql" else SqliteFulltext()


def query_terms(text: str) -> list[str]:
    """The words PostgreSQL's ``plainto_tsquery`` is given for a site search (only its
    searchable words; "-" when none is left, which matches nothing)."""
    return searchable_words(text)[:12] or ["-"]


def query_stems(text: str) -> list[str]:
    """The distinct stems a query searches for (only its searchable words), in order."""
    return list(dict.fromkeys(stem(word) for word in searchable_words(text)))[:12]


__all__ = ["engine", "query_stems", "stem"]
