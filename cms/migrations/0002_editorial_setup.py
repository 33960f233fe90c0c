"""The editorial set-up: the Bokmål and English content locales, the Editors and Moderators
groups with their permissions on the page tree, and the "Moderator godkjenner" workflow on the
root (cms.editorial; Wagtail's own default workflow is renamed to it)."""

from django.db import migrations

from cms.editorial import ensure_locales, ensure_moderation_workflow


def editorial_setup(apps, schema_editor):
    ensure_locales(apps)
    ensure_moderation_workflow(apps)
    Workflow = apps.get_model("wagtailcore", "Workflow")
    # Wagtail's own default workflow stays but no longer applies anywhere.
    Workflow.objects.filter(name="Moderators approval").update(active=False)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(editorial_setup, migrations.RunPython.noop)]
