"""Documents of the objects the index does not hold yet, for the text scores of the database
backend: an object asked for that the index lacks (a draft, or one changed a moment ago whose
indexing task has not run) is scored from its fresh rows, on the same scale as the others.

Reading only, never writing: the index is written by the indexing task alone. A supplier's
document comes from one query (its organisation, codes with their names, places and counties as
one array each: PostgreSQL arrays, JSON arrays on SQLite), so scoring a shortlist costs the same
number of queries whether the index holds it or not; the other kinds are read as the index
reads them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Aggregate, Exists, F, OuterRef, Subquery, TextField
from django.db.models.functions import JSONObject

from marketplace.models import SupplierProfile
from search import index_entries as docs
from search.models import SearchDocument


def _indexed(kind: str) -> Exists:
    """Whether the index holds the object (PostgreSQL: with its vector made)."""
    rows = SearchDocument.objects.filter(kind=kind, object_id=OuterRef("pk"))
    if connection.vendor == "postgresql":
        rows = rows.filter(vector__isnull=False)
    return Exists(rows)


def unindexed_documents(kind: str, ids: Sequence[int]) -> list[docs.Document]:
    """The documents of those of ``ids`` (objects of ``kind``, indexable or not) the index
    lacks, made by the index's own builders (``search.index_entries``)."""
    ids = [int(pk) for pk in ids]
    if not ids:
        return []
    if kind == docs.Kind.SUPPLIER:
        return _supplier_documents(ids)
    objects = docs.all_objects(kind).filter(pk__in=ids).exclude(_indexed(kind))
    return [docs.build(kind, obj) for obj in objects.iterator(chunk_size=500)]


class JsonGroupArray(Aggregate):
    """SQLite's ``json_group_array``: a group's values as one JSON array."""

    function = "JSON_GROUP_ARRAY"
    output_field = TextField()


def _rows_of(through, **values):
    """One array per profile of ``values`` (a JSON object each) from its rows in ``through``."""
    rows = through.objects.filter(supplierprofile_id=OuterRef("pk"))
    if connection.vendor == "postgresql":
        return ArraySubquery(rows.values(row=JSONObject(**values)))
    grouped = (
        rows.order_by()
        .values("supplierprofile_id")
        .annotate(rows=JsonGroupArray(JSONObject(**values)))
    )
    return Subquery(grouped.values("rows"), output_field=TextField())


def _decoded(value) -> list[dict]:
    if value is None:
        return []
    rows = json.loads(value) if isinstance(value, str) else list(value)
    return [json.loads(row) if isinstance(row, str) else row for row in rows]


def _supplier_documents(ids: list[int]) -> list[docs.Document]:
    rows = (
        SupplierProfile.objects.filter(pk__in=ids)
        .exclude(_indexed(docs.Kind.SUPPLIER))
        .annotate(
            org_name=F("organisation__name"),
            org_slug=F("organisation__slug"),
            based_in=F("municipality__number"),
            based_county=F("municipality__county__number"),
            code_rows=_rows_of(
                SupplierProfile.cpv_codes.through,
                code=F("cpvcode_id"),
                nb=F("cpvcode__name_nb"),
                en=F("cpvcode__name_en"),
            ),
            place_rows=_rows_of(
                SupplierProfile.delivery_municipalities.through,
                number=F("municipality__number"),
                county=F("municipality__county__number"),
            ),
            county_rows=_rows_of(
                SupplierProfile.delivery_counties.through, number=F("county__number")
            ),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "org_name",
            "org_slug",
            "keywords",
            "description_nb",
            "description_en",
            "created_at",
            "based_in",
            "based_county",
            "code_rows",
            "place_rows",
            "county_rows",
        )
    )
    found = []
    for (
        pk,
        name,
        slug,
        keywords,
        nb,
        en,
        created_at,
        based_in,
        based_county,
        codes,
        places,
        counties,
    ) in rows:
        delivery = [(row["number"], row["county"]) for row in _decoded(places)]
        if based_in is not None:
            delivery.append((based_in, based_county))
        found.append(
            docs.supplier_document_of(
                docs.SupplierFacts(
                    pk=pk,
                    name=name,
                    slug=slug,
                    keywords=keywords,
                    description_nb=nb,
                    description_en=en,
                    created_at=created_at,
                    codes=sorted((row["code"], row["nb"], row["en"]) for row in _decoded(codes)),
                    places=delivery,
                    delivery_counties=[row["number"] for row in _decoded(counties)],
                )
            )
        )
    return found
