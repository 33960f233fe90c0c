"""Starting data: the 2024–2026 thresholds and the strategy's themes (both editable rows)."""

import datetime
from decimal import Decimal

from django.db import migrations

# NOK excluding VAT: regulations apply from, national threshold, EEA threshold (counties and
# municipalities). Source: anskaffelser.no, thresholds in force 2024–2026.
THRESHOLDS = [
    ("goods", Decimal(100_000), Decimal(1_300_000), Decimal(2_300_000)),
    ("services", Decimal(100_000), Decimal(1_300_000), Decimal(2_300_000)),
    ("works", Decimal(100_000), Decimal(1_300_000), Decimal(57_800_000)),
]
VALID_FROM = datetime.date(2024, 1, 1)
VALID_TO = datetime.date(2026, 12, 31)

THEMES = [
    ("green-circular", "Grønt og sirkulært", "Green and circular"),
    ("digital", "Digitalisering", "Digital"),
    ("health-welfare", "Helse og velferd", "Health and welfare"),
    ("education", "Utdanning og kompetanse", "Education and skills"),
    ("transport", "Samferdsel og mobilitet", "Transport and mobility"),
    ("climate", "Klima og energi", "Climate and energy"),
    ("culture", "Kultur og frivillighet", "Culture and voluntary sector"),
    ("buildings", "Bygg og eiendom", "Buildings and property"),
]


def forwards(apps, schema_editor):
    Threshold = apps.get_model("tenders", "Threshold")
    Theme = apps.get_model("tenders", "Theme")
    for contract_type, regulated_from, national, eea in THRESHOLDS:
        Threshold.objects.update_or_create(
            contract_type=contract_type,
            valid_from=VALID_FROM,
            defaults={
                "valid_to": VALID_TO,
                "regulated_from": regulated_from,
                "national": national,
                "eea": eea,
            },
        )
    for slug, name_nb, name_en in THEMES:
        Theme.objects.update_or_create(slug=slug, defaults={"name_nb": name_nb, "name_en": name_en})


def backwards(apps, schema_editor):
    apps.get_model("tenders", "Threshold").objects.filter(valid_from=VALID_FROM).delete()
    apps.get_model("tenders", "Theme").objects.filter(slug__in=[t[0] for t in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("tenders", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
