"""Full-text matching inside the database: PostgreSQL tsvector + trigram, or SQLite FTS5.

The database backend writes and queries ``SearchDocument`` rows through one of these two
engines, chosen by the connection's vendor. Both take the same ``Document`` values and the same
query terms and return a queryset of matching rows annotated with ``search_rank`` (higher is
better), so the backend's facets, ordering and pages are shared code.
"""

from __future__ import annotations

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
from search.text import STOPWORDS, stem, stemmed_text, stems, words

# How alike a query must be to a title's words to count as a typo of them (pg_trgm).
TRIGRAM_THRESHOLD = 0.5
# ts_rank weights for D, C, B, A (body C, labels B, title A).
RANK_WEIGHTS = [0.1, 0.3, 0.6, 1.0]
# SQLite: bm25 weights for the FTS5 columns title, labels, body.
BM25_WEIGHTS = "10.0, 4.0, 1.0"
MAX_SPELLINGS = 4
# At most this many titles count as typo matches.
MAX_TYPO_HITS = 500


class PostgresFulltext:
    vendor = "postgresql"

    def after_write(self, ids: Sequence[int]) -> None:
        vector = (
            SearchVector("title", weight="A", config="norwegian")
            + SearchVector("labels", weight="B", config="norwegian")
            + SearchVector("body", weight="C", config="norwegian")
        )
        SearchDocument.objects.filter(id__in=ids).update(vector=vector)

    def before_delete(self, ids: Sequence[int]) -> None:
        """Rows carry their own vector; deleting them is enough."""

    def spellings(self, terms: Sequence[str]) -> dict[str, tuple[str, ...]]:
        return {term: (term,) for term in terms}

    def match(self, queryset: QuerySet, text: str) -> QuerySet:
        """Full-text matches (GIN index) ranked by ``ts_rank``; only when there are none, titles
        that look like the query (pg_trgm word similarity) so a typo still finds something."""
        terms = [word for word in words(text) if word not in STOPWORDS][:12] or ["-"]
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
                limit = 1 if len(term) < 7 else 2
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


def query_stems(text: str) -> list[str]:
    """The distinct stems a query searches for (stop words dropped), in order."""
    return list(dict.fromkeys(stems(text)))[:12]


__all__ = ["engine", "query_stems", "stem"]
