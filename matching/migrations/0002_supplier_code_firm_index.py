"""The matcher reads a CPV range of the supplier profiles' code links in (code, firm) order and
keeps the first rows (matching.selectors.candidates._TIER_SQL): an index in that order answers it
from the index alone, without sorting a crowded division's rows. The table belongs to
marketplace (SupplierProfile.cpv_codes); only the matcher needs this order, so the index is
made here, in SQL both databases speak."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0001_initial"),
        ("marketplace", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS matching_profile_code_firm "
            "ON marketplace_supplierprofile_cpv_codes (cpvcode_id, supplierprofile_id)",
            reverse_sql="DROP INDEX IF EXISTS matching_profile_code_firm",
        ),
    ]
