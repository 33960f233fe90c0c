"""Search in the database itself: plain, portable matching that runs on SQLite and PostgreSQL.

Supplier search goes through the search index, as the site search does and with its stemming
(``db_fulltext``: PostgreSQL's ``norwegian`` configuration, or FTS5 over our stemmer): every
word of the query must match the firm's name, a description, a keyword or the label of one of
its CPV codes, in any inflection ("skoler" finds "skole"). The best match comes first: words in
the name weigh most, then keywords and CPV labels, then the descriptions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection
from django.db.models import BigIntegerField, Case, F, Func, IntegerField, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from marketplace.models import SupplierProfile
from search import index_entries as docs
from search.models import SearchDocument
from search.scoring import document_terms, score_terms
from search.text import stems

from . import db_search, pg_site_search
from .base import BackendStatus, SearchResult, SiteResults
from .db_fulltext import engine, postgres_text_scores, sqlite_stored_terms
from .db_unindexed import unindexed_documents

# How many of the best matches a directory search lists (as a broad word's candidates,
# ``pg_site_search.CANDIDATES``); the page says "at least" when more match.
SUPPLIER_WINDOW = 500
# The profiles of a ranked list are looked up in the caller's queryset this many at a time: a
# short list of primary keys keeps PostgreSQL on index lookups instead of reading every
# organisation to join them.
KEEP_CHUNK = 500
# How much of a rarer word's ranked list is read first, in whole chunks: enough to fill the
# window when the filters keep half of it (the rest is read only when they keep less).
RANKED_FIRST = KEEP_CHUNK * math.ceil(2 * SUPPLIER_WINDOW / KEEP_CHUNK)


def _position_in(ids: list[int]):
    """Where a row's primary key stands in ``ids`` (an expression to order by)."""
    if connection.vendor == "postgresql":
        return Func(
            Value(ids, output_field=ArrayField(BigIntegerField())),
            F("pk"),
            function="array_position",
            output_field=IntegerField(),
        )
    return Case(
        *(When(pk=pk, then=Value(n)) for n, pk in enumerate(ids)), output_field=IntegerField()
    )


def _having(queryset: QuerySet[SupplierProfile], ids: list[int]) -> QuerySet[SupplierProfile]:
    """The rows of ``queryset`` whose primary key is one of ``ids``. On PostgreSQL the keys go
    as one array (``id IN (SELECT unnest(array))``): PostgreSQL then looks each key up and tests
    the directory's filters on that row alone, where with a list of 500 keys it read what the
    filters allow across all profiles (a bitmap of every profile of a size, a hash of every
    link to a municipality: 21-26 ms against 5-9 at 100,000 profiles); and Django prepares one
    parameter instead of 500 (half the processor time)."""
    if connection.vendor == "postgresql":
        return queryset.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (list(ids),)))
    return queryset.filter(pk__in=ids)


class DatabaseBackend:
    name = "database"

    def status(self) -> BackendStatus:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError as exc:
            return BackendStatus(self.name, False, str(exc).splitlines()[0])
        return BackendStatus(self.name, True, connection.vendor)

    def search_suppliers(self, query, queryset: QuerySet[SupplierProfile]) -> SearchResult:
        """The profiles of ``queryset`` whose indexed document matches every word, best first
        (then by name), as Elasticsearch's backend answers. Only what ``queryset`` holds can come
        back, so a profile the index still holds after it was unlisted is never shown.

        On PostgreSQL the site search's rule chooses how (``pg_site_search.broad_word``): a
        word so broad that thousands of firms hold it (and ``CANDIDATES`` of them among the
        newest ``WALK_ROWS`` documents) is ranked among its newest ``CANDIDATES`` matches that
        ``queryset`` holds, whatever filters it carries (``_newest_kept``), and the page says
        "at least" when more match; otherwise (a rare word) every match in ``queryset`` is
        ranked through GIN, the best ``SUPPLIER_WINDOW`` kept."""
        if query.is_empty:
            return SearchResult(queryset)
        text = " ".join(query.terms)
        if connection.vendor == "postgresql":
            if pg_site_search.broad_word(docs.Kind.SUPPLIER, text):
                found = self._newest_kept(queryset, text)
                if found is not None:
                    return found
            else:
                ranked = pg_site_search.every_match(
                    docs.Kind.SUPPLIER, text, limit=RANKED_FIRST + 1
                )
                if ranked:
                    if len(ranked) <= RANKED_FIRST:
                        return self._best_kept(queryset, ranked)
                    return self._best_kept(
                        queryset,
                        ranked[:RANKED_FIRST],
                        rest=lambda: pg_site_search.every_match(docs.Kind.SUPPLIER, text),
                    )
        documents = SearchDocument.objects.filter(
            kind=docs.Kind.SUPPLIER, object_id__in=queryset.values("pk")
        )
        matched = engine().match(documents, text)
        ids = list(
            matched.order_by("-search_rank", "title", "object_id").values_list(
                "object_id", flat=True
            )[: SUPPLIER_WINDOW + 1]
        )
        return self._in_order(queryset, ids[:SUPPLIER_WINDOW], bounded=len(ids) > SUPPLIER_WINDOW)

    def _newest_kept(self, queryset: QuerySet[SupplierProfile], text: str) -> SearchResult | None:
        """A broad word's candidates among what ``queryset`` holds: its newest ``CANDIDATES``
        matches that pass the directory's filters (one walk, ``newest_matches_among``), ranked
        best first and then by primary key as without filters, the window bounded when more
        pass. When no more than that pass, they are every match and are ranked exactly as the
        GIN path ranks them (then by title); None when none pass (the GIN path then looks for
        titles alike, as for any word nothing matches)."""
        candidates = pg_site_search.CANDIDATES
        try:
            among = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # ``queryset.none()``: nothing to walk
            return None
        rows = pg_site_search.newest_matches_among(
            docs.Kind.SUPPLIER, text, among, limit=candidates + 1
        )
        if not rows:
            return None
        if len(rows) > candidates:
            best = sorted(rows[:candidates], key=lambda row: (-row[1], row[0]))
        else:
            best = sorted(rows, key=lambda row: row[2])
        ordered = [pk for pk, _rank, _place in best][:SUPPLIER_WINDOW]
        bounded = len(rows) > len(ordered)
        return self._in_order(queryset, ordered, bounded=bounded)

    def _best_kept(
        self, queryset: QuerySet[SupplierProfile], ranked: list[int], *, rest=None
    ) -> SearchResult:
        """The first ``SUPPLIER_WINDOW`` of ``ranked`` (every match, best first) that
        ``queryset`` holds, looked up a chunk at a time. With ``rest``, ``ranked`` is only the
        start of every match (a whole number of chunks, and more follow): ``rest()`` gives them
        all, asked for only when the window is not full by the end of the start."""
        ordered: list[int] = []
        looked_up = 0
        while len(ordered) < SUPPLIER_WINDOW:
            if looked_up >= len(ranked):
                if rest is None:
                    break
                ranked, rest = rest(), None
                continue
            chunk = ranked[looked_up : looked_up + KEEP_CHUNK]
            looked_up += len(chunk)
            kept = set(_having(queryset, chunk).order_by().values_list("pk", flat=True))
            ordered += [pk for pk in chunk if pk in kept]
        # A full window with matches left unlooked-at: the page says "at least".
        bounded = len(ordered) >= SUPPLIER_WINDOW and (
            len(ordered) > SUPPLIER_WINDOW or looked_up < len(ranked) or rest is not None
        )
        return self._in_order(queryset, ordered[:SUPPLIER_WINDOW], bounded=bounded)

    @staticmethod
    def _in_order(
        queryset: QuerySet[SupplierProfile], ids: list[int], *, bounded: bool = False
    ) -> SearchResult:
        """The rows of ``queryset`` with these primary keys, in the order of ``ids``."""
        if not ids:
            return SearchResult(queryset.none(), known_total=0)
        found = _having(queryset, ids).annotate(search_rank=_position_in(ids))
        return SearchResult(
            found.order_by("search_rank"), known_total=len(ids), bounded=bounded, ids=tuple(ids)
        )

    def text_scores(
        self,
        kind: str,
        text: str,
        *,
        among: Sequence[int] | None = None,
        limit: int = 200,
    ) -> dict[int, float]:
        """TF-IDF cosines (``search.scoring.cosines``) on both databases: PostgreSQL reads the
        lexemes of the stored vectors, SQLite the stemmed words its FTS5 table keeps; objects
        not indexed yet are scored from fresh rows on the same scale. The index follows each
        change once its transaction commits (the indexing task), so an edit counts from then."""
        if kind not in (docs.Kind.SUPPLIER, docs.Kind.TENDER, docs.Kind.NEED):
            raise ValueError(f"unknown kind {kind!r}")
        if connection.vendor == "postgresql":
            return self._postgres_text_scores(kind, text, among=among, limit=limit)
        if among is None:
            ids = list(docs.indexable(kind).values_list("pk", flat=True))
        else:
            ids = [int(pk) for pk in among]
        if not ids or not stems(text):
            return {}
        # The stored, stemmed words of the index: for every document when ``among`` names
        # them, else only those that share a word with the text (FTS5), which are all that can
        # score and all the document frequencies need.
        if among is not None:
            # The shortlist a matcher asks about: the stored words of those the index holds,
            # and fresh documents (one query for suppliers) of those it lacks.
            terms, _indexed = sqlite_stored_terms(kind, ids, None)
            for document in unindexed_documents(kind, ids):
                terms[document.object_id] = document_terms(document)
            return score_terms(text, terms, total=len(ids), limit=limit)
        terms, indexed = sqlite_stored_terms(kind, ids, text)
        missing = [pk for pk in ids if pk not in indexed]
        for start in range(0, len(missing), 500):
            objects = docs.all_objects(kind).filter(pk__in=missing[start : start + 500])
            for obj in objects:
                document = docs.build(kind, obj)
                terms[document.object_id] = document_terms(document)
        return score_terms(text, terms, total=len(ids), limit=limit)

    def _postgres_text_scores(
        self, kind: str, text: str, *, among: Sequence[int] | None, limit: int
    ) -> dict[int, float]:
        """See ``db_fulltext.postgres_text_scores``."""
        if among is None:
            ids = list(docs.indexable(kind).values_list("pk", flat=True))
        else:
            ids = list(among)
        scores = postgres_text_scores(
            kind, text, ids, lambda wanted: unindexed_documents(kind, wanted)
        )
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return dict(best)

    # -- site-wide search and the index ----------------------------------------------------------

    def search(self, query) -> SiteResults:
        return db_search.search(query, backend_name=self.name)

    def index_documents(self, documents) -> int:
        return db_search.write_documents(documents)

    def remove_documents(self, kind: str, object_ids) -> int:
        return db_search.remove(kind, object_ids)

    def rebuild(self, kind: str, documents, *, progress=None) -> int:
        return db_search.replace_kind(kind, documents, progress=progress)
