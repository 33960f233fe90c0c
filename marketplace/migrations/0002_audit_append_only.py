"""Make the audit table append-only in the database itself, and the certifications a supplier
can tick (editors add others in the admin).

PostgreSQL and SQLite: row triggers refuse UPDATE and DELETE. Tampering now needs the database
owner to disable or drop the triggers first, and ``verify_audit`` still detects the change through
the hash chain. TRUNCATE is left alone on purpose: it needs the table owner (who could disable the
triggers anyway), and Django's ``flush`` (used between transactional tests) truncates every table.
"""

from django.db import migrations

PG_CREATE = """
CREATE OR REPLACE FUNCTION marketplace_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON marketplace_auditevent
    FOR EACH ROW EXECUTE FUNCTION marketplace_auditevent_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS auditevent_no_update_delete ON marketplace_auditevent;
DROP FUNCTION IF EXISTS marketplace_auditevent_append_only();
"""
SQLITE_CREATE = [
    """CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON marketplace_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END;""",
    """CREATE TRIGGER auditevent_no_delete BEFORE DELETE ON marketplace_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS auditevent_no_update;",
    "DROP TRIGGER IF EXISTS auditevent_no_delete;",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # params=None: the function body's "%" is PL/pgSQL, not a query placeholder.
        schema_editor.execute(PG_CREATE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


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
    dependencies = [("marketplace", "0001_initial")]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(add_certifications, remove_certifications),
    ]
