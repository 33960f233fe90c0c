"""The editorial set-up: content locales, the Editors and Moderators groups, and the
"Moderator godkjenner" workflow (an editor submits, a moderator approves and publishes).

Written against an app registry passed in (``apps``), so the same code runs in the data
migration (historical models) and in ``seed_demo_cms`` (``django.apps.apps``, for databases whose
tables a test flushed).
"""

from __future__ import annotations

# Editors read Wagtail's admin in Bokmål, the site's language, so the workflow is named in it.
WORKFLOW_NAME = "Moderator godkjenner"
# Earlier names of the moderation workflow and its task: Wagtail's own default ("Moderators
# approval", made by its migrations) and ours before it was named in Bokmål. The first found is
# renamed; any other is removed (or, once used, switched off), so there is one workflow.
FORMER_WORKFLOW_NAMES = ("Moderators approval", "Moderators approve")
EDITORS = "Editors"
MODERATORS = "Moderators"

# (app_label, model, codename, name): what each group may do.
_ADMIN_ACCESS = ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
_MEDIA = [
    ("wagtailimages", "image", "add_image", "Can add image"),
    ("wagtailimages", "image", "change_image", "Can change image"),
    ("wagtailimages", "image", "choose_image", "Can choose image"),
    ("wagtaildocs", "document", "add_document", "Can add document"),
    ("wagtaildocs", "document", "change_document", "Can change document"),
    ("wagtaildocs", "document", "choose_document", "Can choose document"),
]
_PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    MODERATORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}


def ensure_locales(apps, language_codes=("nb", "en")) -> None:
    Locale = apps.get_model("wagtailcore", "Locale")
    for code in language_codes:
        Locale.objects.get_or_create(language_code=code)


def _permission(apps, app_label: str, model: str, codename: str, name: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def ensure_moderation_workflow(apps) -> None:
    """Groups with their permissions on the whole page tree, and the workflow on the root."""
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    root = Page.objects.filter(depth=1).order_by("path").first()
    groups = {}
    for name, page_codenames in _PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.add(
            _permission(apps, *_ADMIN_ACCESS),
            *(_permission(apps, *media) for media in _MEDIA),
        )
        if root is None:
            continue
        for codename in page_codenames:
            permission = _permission(
                apps, "wagtailcore", "page", codename, f"Can {codename.split('_')[0]} page"
            )
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)

    _rename_former(apps)

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=WORKFLOW_NAME, content_type=task_type, active=True
        )
    task.groups.set([groups[MODERATORS]])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    if root is not None:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


def _rename_former(apps) -> None:
    """One moderation workflow (and task) named ``WORKFLOW_NAME``, whatever came before."""
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    Task = apps.get_model("wagtailcore", "Task")
    for model in (Workflow, Task):
        former = model.objects.filter(name__in=FORMER_WORKFLOW_NAMES).order_by("pk")
        if not model.objects.filter(name=WORKFLOW_NAME).exists() and former.exists():
            former.filter(pk=former.first().pk).update(name=WORKFLOW_NAME)
    for workflow in Workflow.objects.filter(name__in=FORMER_WORKFLOW_NAMES):
        if WorkflowState.objects.filter(workflow=workflow).exists():
            Workflow.objects.filter(pk=workflow.pk).update(active=False)
        else:
            workflow.workflow_pages.all().delete()
            workflow.workflow_tasks.all().delete()
            workflow.delete()
    Task.objects.filter(name__in=FORMER_WORKFLOW_NAMES).update(active=False)
