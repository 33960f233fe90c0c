"""PostgreSQL: write a whole kind of the index in bulk (``db_search.replace_kind``'s fast path).

The documents stream through a temporary table with ``COPY`` (one round trip per few thousand
documents, no SQL compiled per row), then one ``INSERT ... SELECT`` moves the whole kind into
``search_searchdocument`` and makes each weighted vector there, with the very expression the
row-by-row path has Django write (``PostgresFulltext.vector_for``): the stored vectors are the
same either way (tests compare them). The facet rows follow in one statement at the end. The
triggers on the table (the narrow copy, its facet sets and lexeme counts: statement triggers,
migrations 0002 and 0004) fire as for any insert, once for the whole kind: each of their
set-based statements (an aggregate, an upsert) then runs once over 100,000 rows rather than
once per batch.

All of it runs inside the caller's transaction, so readers keep the old rows until it commits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from django.db import connection

from search.index_entries import Document

# Documents per COPY into the temporary table (and per progress report): only this many are
# held in Python at once; the table itself spills to disk like any other.
COPY_BATCH = 5000
# GIN indexes take new entries into a pending list and merge it in bulk; a larger list for
# this transaction means fewer, larger merges while tens of thousands of rows arrive.
GIN_PENDING_LIST = "32MB"

_STAGE = "search_document_stage"
_COLUMNS = (
    "kind",
    "object_id",
    "language",
    "title",
    "labels",
    "body",
    "url",
    "status",
    "source",
    "cpv_codes",
    "facet_values",
    "date",
)
_CREATE_STAGE = f"""
CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} (
    kind varchar(10), object_id bigint, language varchar(5), title text, labels text,
    body text, url varchar(500), status varchar(20), source varchar(20), cpv_codes jsonb,
    facet_values jsonb, date timestamp with time zone, seq bigserial
) ON COMMIT DROP
"""
# What ``PostgresFulltext.vector_for`` has Django write for one row, over the staged columns.
VECTOR_SQL = (
    "setweight(to_tsvector('norwegian'::regconfig, COALESCE(s.title, '')), 'A') || "
    "setweight(to_tsvector('norwegian'::regconfig, COALESCE(s.labels, '')), 'B') || "
    "setweight(to_tsvector('norwegian'::regconfig, COALESCE(s.body, '')), 'C')"
)
_COLUMN_LIST = ", ".join(_COLUMNS)
# Our own constant names only; every value arrives through COPY. A document staged twice is
# written once, the last one staged winning (one statement may not upsert a row twice).
_MOVE = f"""
INSERT INTO search_searchdocument ({_COLUMN_LIST}, vector, indexed_at)
SELECT {", ".join(f"s.{column}" for column in _COLUMNS)}, {VECTOR_SQL}, now()
  FROM (SELECT DISTINCT ON (kind, object_id) * FROM {_STAGE}
         ORDER BY kind, object_id, seq DESC) s
ON CONFLICT ON CONSTRAINT search_document_once DO UPDATE
   SET {", ".join(f"{column} = EXCLUDED.{column}" for column in _COLUMNS[2:])},
       vector = EXCLUDED.vector, indexed_at = EXCLUDED.indexed_at
"""  # noqa: S608
# Every multi-valued facet of the kind's rows, from the "name=value" list each row carries
# (``db_search._facet_pairs`` made both from the same document).
_FACETS = """
INSERT INTO search_searchfacet (document_id, name, value)
SELECT d.id, split_part(f.pair, '=', 1), substr(f.pair, strpos(f.pair, '=') + 1)
  FROM search_searchdocument d, jsonb_array_elements_text(d.facet_values) AS f(pair)
 WHERE d.kind = %s
"""


def delete_kind(kind: str) -> int:
    """Every row of ``kind`` and its facet rows, in two statements."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM search_searchfacet f USING search_searchdocument d "
            "WHERE f.document_id = d.id AND d.kind = %s",
            [kind],
        )
        cursor.execute("DELETE FROM search_searchdocument WHERE kind = %s", [kind])
        return cursor.rowcount


def copy_kind(
    kind: str,
    documents: Iterable[Document],
    *,
    row: Callable[[Document], tuple],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``documents`` (all of ``kind``, whose old rows are gone) and their facets.
    ``row(document)`` gives the values of ``_COLUMNS``; a document repeated within the stream
    is written once, the last one winning, as on the row-by-row path. ``progress`` hears the
    number staged after each batch; the rows are written when the last batch is staged."""
    staged = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL gin_pending_list_limit = '{GIN_PENDING_LIST}'")
        cursor.execute(_CREATE_STAGE)
        cursor.execute(f"TRUNCATE {_STAGE}")
        batch: list[Document] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= COPY_BATCH:
                staged += _stage(cursor, batch, row)
                batch = []
                if progress:
                    progress(staged)
        if batch:
            staged += _stage(cursor, batch, row)
        cursor.execute(_MOVE)
        written = cursor.rowcount
        cursor.execute(_FACETS, [kind])
    if progress:
        progress(written)
    return written


def _stage(cursor, documents: Iterable[Document], row: Callable[[Document], tuple]) -> int:
    count = 0
    with cursor.copy(f"COPY {_STAGE} ({_COLUMN_LIST}) FROM STDIN") as copy:
        for document in documents:
            copy.write_row(row(document))
            count += 1
    return count


def json_list(values) -> str:
    return json.dumps(list(values))
