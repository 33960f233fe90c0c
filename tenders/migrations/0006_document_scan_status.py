from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenders", "0005_opening_date_and_two_person_opening"),
    ]

    operations = [
        migrations.AddField(
            model_name="tenderdocument",
            name="scan_status",
            field=models.CharField(
                choices=[
                    ("unscanned", "Not scanned"),
                    ("pending", "Waiting for the virus scan"),
                    ("clean", "Scanned, no virus found"),
                    ("infected", "Virus found (quarantined)"),
                    ("error", "The virus scan failed"),
                ],
                db_index=True,
                default="unscanned",
                max_length=10,
                verbose_name="virus scan",
            ),
        ),
        migrations.AddField(
            model_name="tenderdocument",
            name="scanned_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="scanned at"
            ),
        ),
        migrations.AddField(
            model_name="tenderdocument",
            name="scan_result",
            field=models.CharField(
                blank=True, editable=False, max_length=200, verbose_name="scan result"
            ),
        ),
    ]
