"""The multi-valued facets' values on the document row, filled in from the facet table."""

from django.db import migrations, models

BATCH = 2000


def fill_facet_values(apps, schema_editor):
    SearchDocument = apps.get_model("search", "SearchDocument")
    SearchFacet = apps.get_model("search", "SearchFacet")
    ids = list(
        SearchFacet.objects.values_list("document_id", flat=True).distinct().order_by("document_id")
    )
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        values: dict[int, list[str]] = {}
        rows = SearchFacet.objects.filter(document_id__in=chunk).order_by("name", "value")
        for document_id, name, value in rows.values_list("document_id", "name", "value"):
            values.setdefault(document_id, []).append(f"{name}={value}")
        documents = list(SearchDocument.objects.filter(id__in=chunk).only("id"))
        for document in documents:
            document.facet_values = values.get(document.id, [])
        SearchDocument.objects.bulk_update(documents, ["facet_values"])


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext_indexes")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="facet_values",
            field=models.JSONField(blank=True, default=list, verbose_name="facet values"),
        ),
        migrations.RunPython(fill_facet_values, migrations.RunPython.noop, elidable=True),
    ]
