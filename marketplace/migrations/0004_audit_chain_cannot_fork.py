"""Each audit event has one successor: a unique previous hash makes a forked chain impossible.

SQLite alters a column by rebuilding the table, which drops its triggers, so they are made
again afterwards (any later migration that alters this table must do the same).
"""

from importlib import import_module

from django.db import migrations, models

append_only = import_module("marketplace.migrations.0002_audit_append_only")


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        append_only.drop_triggers(apps, schema_editor)
        append_only.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0003_notifications_delivery")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(max_length=64, unique=True, verbose_name="previous hash"),
        ),
        migrations.RunPython(recreate_sqlite_triggers, recreate_sqlite_triggers),
    ]
