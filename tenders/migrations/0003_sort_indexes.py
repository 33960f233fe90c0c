"""Indexes for the orders the opportunity list reads a page in (tenders.filters.public).

The deadline and title orders are model indexes. Newest first and highest value first put
missing values last (``NULLS LAST``), which SQLite cannot index; those two are PostgreSQL's
only and kept out of the model state, so no SQLite table remake ever tries to build them.
"""

from django.db import migrations, models

POSTGRES_FORWARD = [
    'CREATE INDEX "tender_newest" ON "tenders_tender" ("published_at" DESC NULLS LAST, "id" DESC)',
    'CREATE INDEX "tender_by_value" ON "tenders_tender" ("estimated_value" DESC NULLS LAST, "id")',
]
POSTGRES_BACKWARD = [
    'DROP INDEX IF EXISTS "tender_by_value"',
    'DROP INDEX IF EXISTS "tender_newest"',
]


def _postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("tenders", "0002_thresholds_and_themes")]

    operations = [
        migrations.AddIndex(
            model_name="tender",
            index=models.Index(fields=["submission_deadline", "id"], name="tender_by_deadline"),
        ),
        migrations.AddIndex(
            model_name="tender",
            index=models.Index(fields=["title", "id"], name="tender_by_title"),
        ),
        migrations.RunPython(
            _postgres(POSTGRES_FORWARD), _postgres(POSTGRES_BACKWARD), elidable=False
        ),
    ]
