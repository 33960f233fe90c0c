"""The accessibility crawl of the staff back offices: Wagtail's admin and Django's admin.

The county's editors work in Wagtail's admin every day, so it is crawled like the public site
(axe-core, WCAG 2.0/2.1/2.2 A and AA and best practice, tests/e2e/conftest.py): the dashboard, the
page explorer and search, the edit form of each of our page types (and an add form), images,
documents, our event-registration views, the reports, and the moderation workflow with a page
waiting for approval. Django's admin is crawled at its index and at the list and change form of
each model we register there (its first row's form, as the admin's own list shows it). Wagtail's
admin is crawled in Bokmål and English (it follows the editor's preferred language); Django's
admin only in Bokmål, the one language it has here (its URLs are outside the /en/ prefix).

What we can fix is ours (templates, panels, help texts, CSS). Findings inside the vendors' own UI
are listed in ``VENDOR_FINDINGS`` (axe rule, pages, criterion, why it is the vendor's); the
accessibility statement lists them as known limitations of the back office
(cms/demo_content.py ``BACK_OFFICE_LIMITATIONS``; tests/cms/test_accessibility_statement.py keeps
the two in step), and ``test_vendor_findings_are_still_found`` fails when one is gone.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import FINITE_ANIMATIONS_DONE, WCAG_TAGS, KnownFinding, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Findings inside Wagtail's and Django's own admin UIs that we cannot fix without forking them
# (found by this crawl on 2026-12-07 with Wagtail 8.0 and Django 5.2).
_PAGE_EDIT = r"^/cms-admin/pages/\d+/edit/$"
_DJANGO_LIST = r"^/django-admin/\w+/\w+/$"
_DJANGO_ANY = r"^/django-admin/"
_DJANGO_CHANGE = r"^/django-admin/\w+/\w+/[^/]+/change/$"
VENDOR_FINDINGS: list[KnownFinding] = [
    KnownFinding(
        "aria-input-field-name",
        _PAGE_EDIT,
        "4.1.2",
        "Wagtail",
        "the rich-text editor (Draftail) inside a StreamField block is a textbox without a name",
    ),
    KnownFinding(
        "label",
        r"^/cms-admin/(images/\d+|documents/edit/\d+)/$",
        "4.1.2",
        "Wagtail",
        "the tag field's jQuery UI autocomplete input on the image and document forms",
    ),
    KnownFinding(
        "aria-allowed-role",
        r"^/cms-admin/pages/search/",
        "4.1.2",
        "Wagtail",
        "the page search's result count is an h2 with role=alert",
    ),
    KnownFinding(
        "heading-order",
        r"^/cms-admin/(pages/search/|workflows/list/)",
        "1.3.1",
        "Wagtail",
        "the search filters (h3) and the workflow list's tasks (h4) skip a heading level",
    ),
    KnownFinding(
        "list",
        r"^/cms-admin/workflows/list/$",
        "1.3.1",
        "Wagtail",
        "the workflow list's task list has a link as a direct child of ul",
    ),
    KnownFinding(
        "listitem",
        r"^/cms-admin/workflows/list/$",
        "1.3.1",
        "Wagtail",
        "the same task list's items sit inside that link",
    ),
    KnownFinding(
        "empty-table-header",
        r"^/cms-admin/workflows/edit/\d+/$",
        "1.3.1",
        "Wagtail",
        "the workflow form's page table has an actions column header with only an aria-label",
    ),
    KnownFinding(
        "empty-heading",
        r"^/cms-admin/reports/workflow/$",
        "1.3.1",
        "Wagtail",
        "the workflow report renders an empty h2 in its status column",
    ),
    KnownFinding(
        "link-in-text-block",
        _DJANGO_ANY,
        "1.4.1",
        "Django",
        "the breadcrumb links differ from the breadcrumb text by colour only",
    ),
    KnownFinding(
        "target-size",
        _DJANGO_LIST,
        "2.5.8",
        "Django",
        "the filter sidebar's links are 20 px high and stacked without spacing",
    ),
    KnownFinding(
        "empty-table-header",
        _DJANGO_CHANGE,
        "1.3.1",
        "Django",
        "tabular inlines have an empty first column header",
    ),
    KnownFinding(
        "label",
        _DJANGO_CHANGE,
        "4.1.2",
        "Django",
        "tabular inlines label their fields by column header only",
    ),
    KnownFinding(
        "select-name",
        _DJANGO_CHANGE,
        "4.1.2",
        "Django",
        "tabular inlines' select fields have no name of their own",
    ),
    KnownFinding(
        "label-title-only",
        _DJANGO_CHANGE,
        "3.3.2",
        "Django",
        "tabular inlines' select fields are named by a title attribute only",
    ),
    KnownFinding(
        "aria-prohibited-attr",
        _DJANGO_CHANGE,
        "4.1.2",
        "Django",
        "the filter_horizontal widget's help icon is a span with an aria-label",
    ),
]

# Page types of the CMS: (label, model name); each gets its edit form crawled.
PAGE_TYPES = [
    "homepage",
    "successstoryindexpage",
    "successstorypage",
    "guidepage",
    "newsindexpage",
    "newspage",
    "faqpage",
    "accessibilitystatementpage",
    "eventindexpage",
    "eventpage",
    "indicatorspage",
]

WAGTAIL: dict[str, Callable[[SimpleNamespace], str]] = {
    "dashboard": lambda w: "/cms-admin/",
    "explorer (root)": lambda w: "/cms-admin/pages/",
    "explorer (home)": lambda w: f"/cms-admin/pages/{w.pages['homepage'].pk}/",
    "page search": lambda w: "/cms-admin/pages/search/?q=pilot",
    "page add form": lambda w: f"/cms-admin/pages/add/cms/newspage/{w.pages['newsindexpage'].pk}/",
    "page history": lambda w: f"/cms-admin/pages/{w.pages['newspage'].pk}/history/",
    "page in moderation": lambda w: f"/cms-admin/pages/{w.in_moderation.pk}/edit/",
    "workflow history": lambda w: f"/cms-admin/pages/{w.in_moderation.pk}/workflow_history/",
    "images": lambda w: "/cms-admin/images/",
    "image edit": lambda w: f"/cms-admin/images/{w.image.pk}/",
    "documents": lambda w: "/cms-admin/documents/",
    "document edit": lambda w: f"/cms-admin/documents/edit/{w.document.pk}/",
    "event registrations": lambda w: "/cms-admin/event_registrations/",
    "event registration": lambda w: f"/cms-admin/event_registrations/inspect/{w.registration.pk}/",
    "event registration edit": lambda w: (
        f"/cms-admin/event_registrations/edit/{w.registration.pk}/"
    ),
    "workflows": lambda w: "/cms-admin/workflows/list/",
    "workflow edit": lambda w: f"/cms-admin/workflows/edit/{w.workflow.pk}/",
    "workflow tasks": lambda w: "/cms-admin/workflows/tasks/index/",
    "report: workflows": lambda w: "/cms-admin/reports/workflow/",
    "report: workflow tasks": lambda w: "/cms-admin/reports/workflow_tasks/",
    "report: locked pages": lambda w: "/cms-admin/reports/locked/",
    "report: aging pages": lambda w: "/cms-admin/reports/aging-pages/",
    "report: site history": lambda w: "/cms-admin/reports/site-history/",
    **{
        f"edit {name}": (lambda w, name=name: f"/cms-admin/pages/{w.pages[name].pk}/edit/")
        for name in PAGE_TYPES
    },
}

# Django's admin lives outside the language prefix, so it is always in the default language.
DJANGO_ADMIN_LANGUAGE = "nb"
# Our modules' models in Django's admin (the vendors' own registrations are theirs).
OUR_APPS = ("marketplace", "tenders", "bids", "cms", "search", "pilots", "matching")


def _django_admin_paths() -> dict[str, str]:
    """Index, and the list of each of our registered models (the crawl follows each list's
    first row to its form, so the form is one the admin's own queryset shows)."""
    from django.contrib import admin

    paths = {"django admin index": "/django-admin/"}
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        meta = model._meta
        if meta.app_label in OUR_APPS:
            paths[f"list {meta.label}"] = f"/django-admin/{meta.app_label}/{meta.model_name}/"
    return paths


FIRST_ROW_LINK = "#result_list tbody tr:first-child a[href*='/change/']"


def _tiny_png() -> bytes:
    import io

    from PIL import Image as PillowImage

    buffer = io.BytesIO()
    PillowImage.new("RGB", (64, 48), (30, 90, 140)).save(buffer, "PNG")
    return buffer.getvalue()


def build_back_office_world(editor) -> SimpleNamespace:
    """The public crawl's world, and an image, a document, a registration and a page that
    waits for a moderator."""
    from django.apps import apps
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection, Locale, Page, Workflow

    from cms.editorial import WORKFLOW_NAME, ensure_moderation_workflow
    from tests.e2e.test_a11y_crawl import build_world
    from tests.factories import EventRegistrationFactory

    w = build_world()
    ensure_moderation_workflow(apps)  # the live server flushed what the migration made
    nb = Locale.objects.get(language_code="nb")
    w.pages = {}
    for name in PAGE_TYPES:
        w.pages[name] = (
            Page.objects.filter(content_type__model=name, locale=nb).order_by("pk").first()
        )
        assert w.pages[name] is not None, f"the world has no {name}"
    # Images and documents belong to the root collection, which the migrations made and a
    # transactional test run before this one may have flushed.
    Collection.get_first_root_node() or Collection.add_root(name="Root")
    w.image = get_image_model().objects.create(
        title="Brøytebil i Asker", file=ContentFile(_tiny_png(), name="broytebil.png")
    )
    w.document = get_document_model().objects.create(
        title="Kravspesifikasjon", file=ContentFile(b"%PDF-1.4 krav", name="krav.pdf")
    )
    w.registration = EventRegistrationFactory(event=w.pages["eventpage"].specific)
    w.workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    w.in_moderation = w.pages["guidepage"].specific
    w.in_moderation.save_revision(user=editor)
    w.workflow.start(w.in_moderation, editor)
    return w


def _is_vendor_finding(violation: dict, path: str) -> bool:
    return any(f.rule == violation["id"] and re.search(f.path, path) for f in VENDOR_FINDINGS)


def _findings(page, axe) -> list[dict]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # Wagtail's admin keeps some transitions running: judge it after five seconds at most.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(FINITE_ANIMATIONS_DONE, timeout=5_000)
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return results.response["violations"]


@pytest.fixture
def staff(db):
    from tests.conftest import with_totp
    from tests.factories import UserFactory

    # Transactional tests lose the migrations' groups; an administrator sees every screen.
    return with_totp(UserFactory(email="redaktor@afk.test", is_staff=True, is_superuser=True))


def _staff_page(browser, live_server, user, language: str):
    from django.conf import settings
    from django.test import Client
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(30_000)
    context.add_cookies(
        [
            {"name": name, "value": value, "url": live_server.url}
            for name, value in (
                (settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value),
                (settings.LANGUAGE_COOKIE_NAME, language),
            )
        ]
    )
    return context.new_page()


def crawl_back_office(browser, live_server, axe, staff, language: str):
    """(pages checked, problems, vendor findings seen as (rule, path))."""
    world = build_back_office_world(staff)
    paths = {label: path(world) for label, path in WAGTAIL.items()}
    if language == DJANGO_ADMIN_LANGUAGE:
        paths.update(_django_admin_paths())
    page = _staff_page(browser, live_server, staff, language)
    problems, seen, count = [], set(), 0
    queue = list(paths.items())
    try:
        while queue:
            label, path = queue.pop(0)
            response = page.goto(path)
            if response is None or response.status != 200:
                got = response.status if response else None
                problems.append(f"{path} ({label}): status {got}")
                continue
            if urlsplit(page.url).path != urlsplit(path).path:
                problems.append(f"{path} ({label}): sent on to {page.url}")
                continue
            lang = page.locator("html").get_attribute("lang") or ""
            if not lang.startswith(language[:2]):
                problems.append(f"{path} ({label}): lang={lang!r}, expected {language}")
            count += 1
            ours = []
            for violation in _findings(page, axe):
                if _is_vendor_finding(violation, path):
                    seen.add((violation["id"], path))
                else:
                    ours.append(violation)
            if ours:
                problems.append(f"{path} ({label}): axe\n" + format_violations(ours))
            first_row = page.locator(FIRST_ROW_LINK)
            if label.startswith("list ") and first_row.count():
                href = urlsplit(first_row.first.get_attribute("href")).path
                queue.insert(0, (label.replace("list ", "change ", 1), href))
    finally:
        page.context.close()
    return count, problems, seen


@pytest.mark.parametrize("language", ["nb", "en"])
def test_back_offices_have_no_axe_findings_but_the_vendors_listed(
    language, browser, live_server, axe, staff
):
    count, problems, seen = crawl_back_office(browser, live_server, axe, staff, language)

    print(f"\nback-office crawl ({language}): {count} pages checked")
    assert not problems, f"{len(problems)} problem(s) in the back offices:\n" + "\n".join(problems)
    gone = [
        f"{f.rule} at {f.path}"
        for f in VENDOR_FINDINGS
        if (f.owner == "Wagtail" or language == DJANGO_ADMIN_LANGUAGE)
        and not any(rule == f.rule and re.search(f.path, path) for rule, path in seen)
    ]
    assert not gone, (
        f"vendor findings no longer found (remove them, and from the statement): {gone}"
    )


def test_vendor_findings_name_criterion_vendor_and_reason():
    for finding in VENDOR_FINDINGS:
        assert re.fullmatch(r"\d\.\d\.\d+", finding.criterion), finding
        assert finding.owner in {"Wagtail", "Django"}, finding
        assert finding.reason, finding
