"""The database backend's index: writing documents and the site-wide search over them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet

from search.documents import Document
from search.highlight import highlight
from search.models import SearchDocument, SearchFacet
from search.queries import SiteQuery

from . import db_bulk
from .base import FacetCount, Hit, SiteResults
from .db_fulltext import RANK_WEIGHTS, engine, query_stems, query_terms

BATCH = 500
COLUMN_FACETS = {"kind": "kind", "status": "status", "source": "source"}
TABLE_FACETS = ("cpv_division", "county")


def _fields(document: Document) -> dict:
    """What a row of the index holds of ``document`` (both write paths store exactly this)."""
    return {
        "kind": document.kind,
        "object_id": document.object_id,
        "language": document.language,
        "title": document.title[:2000],
        "labels": document.labels,
        "body": document.body,
        "url": document.url[:500],
        "status": document.status,
        "source": document.source,
        "cpv_codes": list(document.cpv_codes),
        "facet_values": sorted(f"{name}={value}" for name, value in _facet_pairs(document)),
        "date": document.date,
    }


def _row(document: Document) -> SearchDocument:
    return SearchDocument(**_fields(document), vector=engine().vector_for(document))


def _staged(document: Document) -> tuple:
    """``_fields`` in the column order of ``db_bulk``'s COPY (lists as JSON text)."""
    fields = _fields(document)
    fields["cpv_codes"] = db_bulk.json_list(fields["cpv_codes"])
    fields["facet_values"] = db_bulk.json_list(fields["facet_values"])
    return tuple(fields.values())


def _facet_pairs(document: Document) -> list[tuple[str, str]]:
    values = [("cpv_division", value) for value in document.cpv_divisions]
    values += [("county", value) for value in document.counties]
    return values


def _facets(row_id: int, document: Document) -> list[SearchFacet]:
    return [
        SearchFacet(document_id=row_id, name=name, value=value)
        for name, value in _facet_pairs(document)
    ]


def _delete_rows(queryset: QuerySet) -> int:
    ids = list(queryset.values_list("id", flat=True))
    if ids:
        engine().before_delete(ids)
        SearchDocument.objects.filter(id__in=ids).delete()
    return len(ids)


def write_documents(documents: Iterable[Document]) -> int:
    """Replace the rows of these documents (in batches, each batch one transaction)."""
    written = 0
    batch: list[Document] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= BATCH:
            written += _write_batch(batch)
            batch = []
    if batch:
        written += _write_batch(batch)
    return written


@transaction.atomic
def _write_batch(documents: Sequence[Document]) -> int:
    by_kind: dict[str, list[int]] = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document.object_id)
    for kind, object_ids in by_kind.items():
        _delete_rows(SearchDocument.objects.filter(kind=kind, object_id__in=object_ids))
    unique = {document.key: document for document in documents}
    rows = SearchDocument.objects.bulk_create([_row(document) for document in unique.values()])
    SearchFacet.objects.bulk_create(
        [
            facet
            for row, document in zip(rows, unique.values(), strict=True)
            for facet in _facets(row.pk, document)
        ]
    )
    engine().after_write([row.pk for row in rows])
    return len(rows)


@transaction.atomic
def remove(kind: str, object_ids: Sequence[int]) -> int:
    return _delete_rows(SearchDocument.objects.filter(kind=kind, object_id__in=list(object_ids)))


@transaction.atomic
def replace_kind(kind: str, documents: Iterable[Document], *, progress=None) -> int:
    """Swap the whole index of ``kind`` in one transaction: readers see the old rows until the
    new ones are committed, so a rebuild never leaves searches empty. PostgreSQL writes in bulk
    (``db_bulk``: COPY, vectors made in SQL); other databases row batch by row batch."""
    if connection.vendor == "postgresql":
        db_bulk.delete_kind(kind)
        return db_bulk.copy_kind(kind, documents, row=_staged, progress=progress)
    _delete_rows(SearchDocument.objects.filter(kind=kind))
    written = 0
    batch: list[Document] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= BATCH:
            written += _write_batch(batch)
            batch = []
            if progress:
                progress(written)
    if batch:
        written += _write_batch(batch)
    if progress:
        progress(written)
    return written


# --- Searching --------------------------------------------------------------------------------


def _narrow(queryset: QuerySet, filters: dict[str, tuple[str, ...]], *, skip: str = "") -> QuerySet:
    for name, values in filters.items():
        if name == skip:
            continue
        if name in COLUMN_FACETS:
            queryset = queryset.filter(**{f"{COLUMN_FACETS[name]}__in": values})
        else:
            queryset = queryset.filter(
                Exists(
                    SearchFacet.objects.filter(
                        document_id=OuterRef("pk"), name=name, value__in=values
                    )
                )
            )
    return queryset


def _facet_counts(matched: QuerySet, filters) -> dict[str, tuple[FacetCount, ...]]:
    counts: dict[str, tuple[FacetCount, ...]] = {}
    for name, column in COLUMN_FACETS.items():
        rows = (
            _narrow(matched, filters, skip=name)
            .order_by()
            .values(column)
            .annotate(n=Count("id"))
            .values_list(column, "n")
        )
        counts[name] = _sorted(rows)
    for name in TABLE_FACETS:
        ids = _narrow(matched, filters, skip=name).order_by().values("id")
        rows = (
            SearchFacet.objects.filter(name=name, document_id__in=ids)
            .order_by()
            .values("value")
            .annotate(n=Count("id"))
            .values_list("value", "n")
        )
        counts[name] = _sorted(rows)
    return counts


def _sorted(rows) -> tuple[FacetCount, ...]:
    return tuple(
        FacetCount(str(value), n)
        for value, n in sorted(rows, key=lambda row: (-row[1], str(row[0])))
        if value
    )


# Whether a facet set passes a chosen facet (its values in the parameter named by ``p``); the
# multi-valued facets are read from the set's own "name=value" list.
_ROW_TESTS = {
    "kind": "f.kind = ANY(%({p})s)",
    "status": "f.status = ANY(%({p})s)",
    "source": "f.source = ANY(%({p})s)",
    "cpv_division": "f.facet_values ?| %({p})s::text[]",
    "county": "f.facet_values ?| %({p})s::text[]",
}
# Reads the narrow copy of the index (search_searchmatch, migration 0004): per row only its id,
# date, vector and facet set. Rows are ranked only when their facet set passes every chosen
# filter; the counts group the matched rows by facet set (one integer).
_POSTGRES_SEARCH = """
WITH q AS (SELECT plainto_tsquery('norwegian', %(text)s) AS query),
m AS MATERIALIZED (
    SELECT d.id, d.facetset, d.date,
           CASE WHEN d.facetset IN (SELECT f.id FROM search_facetset f WHERE {every})
                THEN ts_rank(%(weights)s::float4[], d.vector, q.query) END AS rank
      FROM search_searchmatch d, q
     WHERE d.vector @@ q.query
)
SELECT json_build_object(
    'hits', (SELECT json_agg(json_build_array(h.id, h.rank) ORDER BY h.rank DESC, h.date DESC,
                             h.id DESC)
               FROM (SELECT id, rank, date FROM m WHERE rank IS NOT NULL
                      ORDER BY rank DESC, date DESC, id DESC
                      LIMIT %(limit)s OFFSET %(offset)s) h),
    'cube', (SELECT json_agg(json_build_array(f.kind, f.status, f.source, f.facet_values, x.c))
               FROM (SELECT facetset, count(*) AS c FROM m GROUP BY facetset) x
               JOIN search_facetset f ON f.id = x.facetset)
)
"""


def _postgres_search(query: SiteQuery, *, backend_name: str) -> SiteResults | None:
    """PostgreSQL: the page, the total and every facet's counts in ONE statement over the
    narrow, GIN-indexed copy of the index: the matching rows are read once (a materialised
    CTE), ranked when they pass every chosen filter, and counted per facet set; each facet's
    counts then apply every chosen filter but its own (in Python, over at most a few thousand
    facet sets). None when nothing matches (the caller then tries the trigram typo path)."""
    filters = query.filters()
    params: dict = {
        "text": " ".join(query_terms(query.text)),
        "weights": RANK_WEIGHTS,
        "limit": query.per_page,
        "offset": query.offset,
    }
    # Only our own names (facet names, column names) are written into the SQL text; every value
    # is a parameter.
    tests = []
    for name, values in filters.items():
        params[f"v_{name}"] = (
            list(values) if name in COLUMN_FACETS else [f"{name}={value}" for value in values]
        )
        tests.append(f"({_ROW_TESTS[name].format(p=f'v_{name}')})")
    sql = _POSTGRES_SEARCH.format(every=" AND ".join(tests) or "TRUE")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (result,) = cursor.fetchone()
    if isinstance(result, str):
        result = json.loads(result)
    # The cube rows [kind, status, source, "name=value" list, count] get the flags of the
    # chosen multi-valued filters ("does the list hold one of the chosen values").
    table_flags = [name for name in TABLE_FACETS if name in filters]
    chosen = {name: {f"{name}={value}" for value in filters[name]} for name in table_flags}
    cube = [
        [
            *row[:4],
            *(not chosen[name].isdisjoint(row[3] or ()) for name in table_flags),
            row[4],
        ]
        for row in result["cube"] or []
    ]
    total, counts = _cube_counts(cube, filters, table_flags)
    if not total:
        return None
    ranked = [(int(pk), float(rank)) for pk, rank in result["hits"] or []]
    rows = SearchDocument.objects.only(
        "kind", "object_id", "title", "body", "labels", "url", "status", "source", "date"
    ).in_bulk([pk for pk, _rank in ranked])
    marked = set(query_stems(query.text)) | set(_spellings(query.text))
    hits = tuple(_hit(rows[pk], rank, marked) for pk, rank in ranked if pk in rows)
    return SiteResults(
        hits=hits,
        total=total,
        facets=counts,
        page=query.page,
        per_page=query.per_page,
        backend=backend_name,
    )


def _cube_counts(cube, filters, table_flags) -> tuple[int, dict[str, tuple[FacetCount, ...]]]:
    """The total and every facet's counts from the cube rows [kind, status, source,
    ["name=value", ...], *filter flags, count]; each facet's counts apply every chosen filter
    but its own."""
    tallies: dict[str, dict[str, int]] = {name: {} for name in (*COLUMN_FACETS, *TABLE_FACETS)}
    chosen = [
        (index, name, set(filters[name]))
        for index, name in enumerate(COLUMN_FACETS)
        if name in filters
    ]
    total = 0
    for row in cube:
        # The facets this row fails: none, it counts everywhere; one, it counts for that facet
        # only (a facet's counts ignore its own filter); more, nowhere.
        fails = [name for index, name, values in chosen if row[index] not in values]
        fails += [name for name, ok in zip(table_flags, row[4:-1], strict=True) if not ok]
        if len(fails) > 1:
            continue
        n = int(row[-1])
        if not fails:
            total += n
        for index, name in enumerate(COLUMN_FACETS):
            if not fails or fails[0] == name:
                tally = tallies[name]
                tally[row[index]] = tally.get(row[index], 0) + n
        for named in row[3] or []:
            name, value = named.split("=", 1)
            if name in tallies and (not fails or fails[0] == name):
                tally = tallies[name]
                tally[value] = tally.get(value, 0) + n
    return total, {name: _sorted(tally.items()) for name, tally in tallies.items()}


def _hit(row: SearchDocument, rank: float, marked: set[str]) -> Hit:
    return Hit(
        kind=row.kind,
        object_id=row.object_id,
        title=row.title,
        url=row.url,
        highlight=highlight(row.body or row.labels, marked),
        title_highlight=highlight(row.title, marked, length=len(row.title) + 1),
        score=rank,
        status=row.status,
        source=row.source,
        date=row.date,
    )


def search(query: SiteQuery, *, backend_name: str) -> SiteResults:
    if connection.vendor == "postgresql" and not query.is_empty:
        found = _postgres_search(query, backend_name=backend_name)
        if found is not None:
            return found
    return portable_search(query, backend_name=backend_name)


def portable_search(query: SiteQuery, *, backend_name: str) -> SiteResults:
    """The same search through the ORM, on any database: lists (empty text), SQLite, and the
    typo path on PostgreSQL; one query for the page, the total and each facet."""
    documents = SearchDocument.objects.all()
    if query.is_empty:
        matched = documents
        order = ("-date", "-id")
    else:
        matched = engine().match(documents, query.text)
        order = ("-search_rank", "-date", "-id")
    filters = query.filters()
    hits_qs = _narrow(matched, filters).order_by(*order)
    total = hits_qs.count()
    rows = list(
        hits_qs.only(
            "kind", "object_id", "title", "body", "labels", "url", "status", "source", "date"
        )[query.offset : query.offset + query.per_page]
    )
    marked = set(query_stems(query.text))
    if not query.is_empty:
        marked |= set(_spellings(query.text))
    hits = tuple(
        Hit(
            kind=row.kind,
            object_id=row.object_id,
            title=row.title,
            url=row.url,
            highlight=highlight(row.body or row.labels, marked),
            title_highlight=highlight(row.title, marked, length=len(row.title) + 1),
            score=float(getattr(row, "search_rank", 0.0) or 0.0),
            status=row.status,
            source=row.source,
            date=row.date,
        )
        for row in rows
    )
    return SiteResults(
        hits=hits,
        total=total,
        facets=_facet_counts(matched, filters),
        page=query.page,
        per_page=query.per_page,
        backend=backend_name,
    )


def _spellings(text: str) -> list[str]:
    stems = query_stems(text)
    return [spelling for options in engine().spellings(stems).values() for spelling in options]
