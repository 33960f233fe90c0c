"""The database backend's index: one row per searchable object, and its multi-valued facets.

Rows are written only by the indexing tasks (``search.indexing``) from ``search.index_entries``;
nothing else edits them. On PostgreSQL ``vector`` holds the weighted ``norwegian`` tsvector
(GIN-indexed, with a trigram index on ``title`` for typos); on SQLite an FTS5 table
``search_document_fts`` with the same row ids holds the stemmed words. Both are created in the
migrations for their database only. PostgreSQL also keeps a narrow copy for the site search,
``search_searchmatch`` (id, date, vector, facet set id in ``search_facetset``), kept by
statement triggers on this table (migrations 0002 and 0004).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    kind = models.CharField(_("kind"), max_length=10)
    object_id = models.PositiveBigIntegerField(_("object id"))
    language = models.CharField(_("language"), max_length=5, default="nb")
    title = models.TextField(_("title"))
    labels = models.TextField(_("labels"), blank=True)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("address"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, blank=True)
    source = models.CharField(_("source"), max_length=20, blank=True)
    cpv_codes = models.JSONField(_("CPV codes"), default=list, blank=True)
    # The multi-valued facets' values on the row itself, "name=value" ("cpv_division=45",
    # "county=32"), each once: a search counts them from the rows it matched in one pass,
    # without joining ``SearchFacet``.
    facet_values = models.JSONField(_("facet values"), default=list, blank=True)
    date = models.DateTimeField(_("date"), null=True, blank=True)
    vector = SearchVectorField(null=True, editable=False)
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once")
        ]
        indexes = [
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["-date", "id"], name="search_document_newest"),
            # The newest documents of one kind (the supplier directory's walk for a broad word
            # reads suppliers only, not the tenders that are newer than all of them).
            models.Index(fields=["kind", "-date", "id"], name="search_document_kind_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title[:60]}"


class SearchFacet(models.Model):
    """One value of a multi-valued facet of a document: its CPV divisions and counties."""

    document = models.ForeignKey(
        SearchDocument, on_delete=models.CASCADE, related_name="facets", verbose_name=_("document")
    )
    name = models.CharField(_("facet"), max_length=20)
    value = models.CharField(_("value"), max_length=20)

    class Meta:
        verbose_name = _("search facet value")
        verbose_name_plural = _("search facet values")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "name", "value"], name="search_facet_value_once"
            )
        ]
        indexes = [models.Index(fields=["name", "value"])]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
