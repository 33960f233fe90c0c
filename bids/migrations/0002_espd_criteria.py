"""The default set of ESPD criteria (shipped with the code; editors add others in the admin)."""

from django.db import migrations


def load_default_criteria(apps, schema_editor):
    """The default set of ESPD criteria, shipped with the code (no ESPD-EDM files needed)."""
    from bids.espd.catalogue import default_rows, load_rows

    load_rows(apps.get_model("bids", "EspdCriterion"), default_rows())


class Migration(migrations.Migration):
    dependencies = [("bids", "0001_initial")]

    operations = [migrations.RunPython(load_default_criteria, migrations.RunPython.noop)]
