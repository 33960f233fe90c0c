"""Search in the database itself: plain, portable matching that runs on SQLite and PostgreSQL.

Supplier search is an honest ``icontains`` match: every word of the query must appear in the
firm's name, a description, a keyword or the label of one of its CPV codes. Firms whose name
holds the words come first. Good enough for a county's few hundred suppliers; Elasticsearch
takes over when that is outgrown.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import DatabaseError, connection
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from marketplace.models import SupplierProfile
from search import documents as docs
from search.scoring import document_terms, score_terms
from search.text import stems

from . import db_search
from .base import BackendStatus, SearchResult, SiteResults
from .db_fulltext import postgres_text_scores, sqlite_stored_terms


def _cpv_label_matches(term: str) -> Exists:
    """Whether one of the profile's CPV codes has ``term`` in its Bokmål or English label."""
    through = SupplierProfile.cpv_codes.through
    return Exists(
        through.objects.filter(supplierprofile_id=OuterRef("pk")).filter(
            Q(cpvcode__name_nb__icontains=term) | Q(cpvcode__name_en__icontains=term)
        )
    )


def supplier_text_q(term: str) -> Q:
    """One word anywhere in what a supplier profile says about itself."""
    return (
        Q(organisation__name__icontains=term)
        | Q(description_nb__icontains=term)
        | Q(description_en__icontains=term)
        | Q(keywords__icontains=term)
        | Q(_cpv_label_matches(term))
    )


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
        terms = query.terms
        if not terms:
            return SearchResult(queryset)
        condition = Q()
        for term in terms:
            condition &= supplier_text_q(term)
        name_hits = sum(
            (
                Case(
                    When(organisation__name__icontains=term, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
                for term in terms
            ),
            Value(0),
        )
        matched = (
            queryset.filter(condition)
            .annotate(search_name_hits=name_hits)
            .order_by("-search_name_hits", "organisation__name", "pk")
        )
        return SearchResult(matched)

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
        terms, indexed = sqlite_stored_terms(kind, ids, text if among is None else None)
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

        def build_missing(missing):
            objects = docs.all_objects(kind).filter(pk__in=missing)
            return (docs.build(kind, obj) for obj in objects.iterator(chunk_size=500))

        scores = postgres_text_scores(kind, text, ids, build_missing)
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
