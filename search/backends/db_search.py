"""The database backend's index: writing documents and the site-wide search over them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from search.highlight import highlight
from search.index_entries import Document, Kind
from search.models import SearchDocument, SearchFacet
from search.queries import SiteQuery

from . import db_bulk, pg_site_search
from .base import FacetCount, Hit, SiteResults, other_language
from .db_fulltext import engine, query_stems

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
        "facet_values": _facet_values(document),
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


def _facet_values(document: Document) -> list[str]:
    """The row's "name=value" entries: its multi-valued facets and, for a CMS page, the
    language of its tree ("language=en"), so PostgreSQL's facet sets (and their document
    counts) keep each language's pages apart (``pg_site_search``)."""
    values = {f"{name}={value}" for name, value in _facet_pairs(document)}
    if document.kind == Kind.PAGE:
        values.add(f"language={document.language}")
    return sorted(values)


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


def _hit(row: SearchDocument, rank: float, marked: set[str], language: str) -> Hit:
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
        language=row.language,
        lang=other_language(row.language, language),
    )


def search(query: SiteQuery, *, backend_name: str) -> SiteResults:
    if connection.vendor == "postgresql":
        if query.is_empty:
            found = pg_site_search.list_everything(query)
        else:
            found = pg_site_search.text_search(query)
        if found is not None:
            return _results(found, query, backend_name=backend_name)
    return portable_search(query, backend_name=backend_name)


def _results(found: pg_site_search.Found, query: SiteQuery, *, backend_name: str) -> SiteResults:
    rows = pg_site_search.rows_of(found.ranked)
    marked = set()
    if not query.is_empty:
        marked = set(query_stems(query.text)) | set(_spellings(query.text))
    return SiteResults(
        hits=tuple(
            _hit(rows[pk], rank, marked, query.language) for pk, rank in found.ranked if pk in rows
        ),
        total=found.total,
        facets=found.facets,
        page=query.page,
        per_page=query.per_page,
        backend=backend_name,
        total_exact=found.total_exact,
        ranked_among=found.ranked_among,
        counted_among=found.counted_among,
    )


def in_language(documents: QuerySet, language: str) -> QuerySet:
    """The documents a search in ``language`` looks among: CMS pages of that language's tree
    only, every tender, need and supplier (written in one language by the people who own them)."""
    return documents.filter(~Q(kind=Kind.PAGE) | Q(language=language))


def portable_search(query: SiteQuery, *, backend_name: str) -> SiteResults:
    """The same search through the ORM, on any database: lists (empty text), SQLite, and the
    typo path on PostgreSQL; one query for the page, the total and each facet."""
    documents = in_language(SearchDocument.objects.all(), query.language)
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
        hits_qs.only(*pg_site_search.HIT_FIELDS)[query.offset : query.offset + query.per_page]
    )
    marked = set(query_stems(query.text))
    if not query.is_empty:
        marked |= set(_spellings(query.text))
    hits = tuple(
        _hit(row, float(getattr(row, "search_rank", 0.0) or 0.0), marked, query.language)
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
