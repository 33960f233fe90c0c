"""The certifications a supplier can tick; editors add others in the admin."""

from django.db import migrations

CERTIFICATIONS = [
    ("iso-9001", "ISO 9001 (kvalitetsledelse)", "ISO 9001 (quality management)"),
    ("iso-14001", "ISO 14001 (miljøledelse)", "ISO 14001 (environmental management)"),
    ("iso-27001", "ISO 27001 (informasjonssikkerhet)", "ISO 27001 (information security)"),
    ("iso-45001", "ISO 45001 (arbeidsmiljø)", "ISO 45001 (occupational health and safety)"),
    ("miljofyrtarn", "Miljøfyrtårn", "Eco-Lighthouse (Miljøfyrtårn)"),
    ("svanemerket", "Svanemerket", "Nordic Swan Ecolabel"),
    ("startbank", "StartBANK (Achilles)", "StartBANK (Achilles)"),
    ("sentral-godkjenning", "Sentral godkjenning (DiBK)", "Central approval (DiBK)"),
]


def add_certifications(apps, schema_editor):
    Certification = apps.get_model("marketplace", "Certification")
    for slug, name_nb, name_en in CERTIFICATIONS:
        Certification.objects.update_or_create(
            slug=slug, defaults={"name_nb": name_nb, "name_en": name_en}
        )


def remove_certifications(apps, schema_editor):
    Certification = apps.get_model("marketplace", "Certification")
    Certification.objects.filter(slug__in=[slug for slug, *_ in CERTIFICATIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0006_supplier_registry")]

    operations = [migrations.RunPython(add_certifications, remove_certifications)]
