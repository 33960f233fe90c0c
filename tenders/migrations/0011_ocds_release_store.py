# The OCDS release store (issue 17). Existing tenders get their releases from
# `manage.py ocds_releases`. Needs only 0008; it follows 0010 so the graph has one leaf while
# both are being written (the lead renumbers them).

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenders", "0010_estimated_value_currency"),  # see the note above
    ]

    operations = [
        migrations.CreateModel(
            name="OcdsRelease",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("ocid", models.CharField(db_index=True, max_length=120, verbose_name="ocid")),
                (
                    "release_id",
                    models.CharField(max_length=200, unique=True, verbose_name="release id"),
                ),
                ("sequence", models.PositiveIntegerField(verbose_name="number in the process")),
                ("tag", models.CharField(max_length=60, verbose_name="tag")),
                ("date", models.DateTimeField(db_index=True, verbose_name="release date")),
                ("data", models.JSONField(verbose_name="release")),
                (
                    "published_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="published at",
                    ),
                ),
                (
                    "tender",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ocds_releases",
                        to="tenders.tender",
                        verbose_name="tender",
                    ),
                ),
            ],
            options={
                "verbose_name": "OCDS release",
                "verbose_name_plural": "OCDS releases",
                "ordering": ["tender_id", "sequence"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tender", "sequence"), name="tenders_ocdsrelease_one_per_sequence"
                    )
                ],
            },
        ),
    ]
