"""Both languages through Wagtail's locales: the English tree under /en/, the language switch
keeps the page, hreflang alternates, and the migration that replaced the home page's _en fields."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Locale

from tests.factories import make_guide, make_story
from tests.factories.events import translate
from tests.factories.pages import make_home_page
from tests.html_helpers import parse


@pytest.mark.django_db
def test_english_home_page_is_the_translation_under_en(client):
    home = make_home_page()

    english = parse(client.get("/en/"))
    bokmal = parse(client.get("/"))

    assert english.first("h1").text == "Pilotmarked – pilot projects with Akershus County"
    assert bokmal.first("h1").text == home.title


@pytest.mark.django_db
def test_language_switch_goes_to_the_translation_with_its_own_slug(client, supplier_admin):
    client.force_login(supplier_admin)  # signed in, the switch is a form that remembers the choice
    guide = make_guide()
    english = translate(guide, title="How to sell to the county", slug="how-to-sell")

    form = parse(client.get(guide.url)).first("form", class_="language-switch")
    response = client.post(
        form.get("action"),
        {
            "language": "en",
            "page": form.first("input", name="page").get("value"),
            "next": form.first("input", name="next").get("value"),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/how-to-sell/" == english.url
    assert response.cookies["pilotmarked_language"].value == "en"


@pytest.mark.django_db
def test_anonymous_language_switch_links_to_the_translation_without_a_cookie(client):
    guide = make_guide()
    english = translate(guide, title="How to sell to the county", slug="how-to-sell")

    link = parse(client.get(guide.url)).first(class_="language-switch").first("a")
    response = client.get(link.get("href"))

    assert response.status_code == 302
    assert response["Location"] == "/en/how-to-sell/" == english.url
    assert not response.cookies


@pytest.mark.django_db
def test_language_switch_falls_back_to_the_other_home_page(client):
    guide = make_guide()  # no English translation

    response = client.post("/i18n/side/", {"language": "en", "page": guide.pk, "next": "/"})

    assert response["Location"] == "/en/"


@pytest.mark.django_db
def test_language_switch_from_english_back_to_bokmal(client):
    story = make_story()
    english = translate(story, title="Sensors", slug="sensors")

    response = client.post("/i18n/side/", {"language": "nb", "page": english.pk, "next": "/"})

    assert response["Location"] == story.url


@pytest.mark.django_db
def test_draft_translation_is_not_offered(client):
    guide = make_guide()
    english = translate(guide, title="How to sell")
    english.unpublish()

    response = client.post("/i18n/side/", {"language": "en", "page": guide.pk, "next": "/"})

    assert response["Location"] == "/en/"


@pytest.mark.django_db
def test_pages_carry_hreflang_alternates_and_x_default(client):
    guide = make_guide()
    translate(guide, title="How to sell", slug="how-to-sell")

    head = parse(client.get("/en/how-to-sell/")).first("head")

    alternates = {
        link.get("hreflang"): link.get("href")
        for link in head.select("link", rel="alternate")
        if link.get("hreflang")
    }
    assert alternates == {
        "nb": "http://localhost/slik-selger-du-til-fylkeskommunen/",
        "en": "http://localhost/en/how-to-sell/",
        "x-default": "http://localhost/slik-selger-du-til-fylkeskommunen/",
    }


@pytest.mark.django_db
def test_untranslated_page_has_no_alternates(client):
    make_guide()

    head = parse(client.get("/slik-selger-du-til-fylkeskommunen/")).first("head")

    assert not [link for link in head.select("link", rel="alternate") if link.get("hreflang")]


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_home_page_with_english_fields() -> None:
    """At cms 0001: one Bokmål home page carrying the English text in its ``_en`` fields.

    Earlier transactional tests may have flushed the tables, so the locale and the root page
    are made here if they are missing.
    """
    old_apps = MigrationExecutor(connection).loader.project_state([("cms", "0001_initial")]).apps
    Page = old_apps.get_model("wagtailcore", "Page")
    OldLocale = old_apps.get_model("wagtailcore", "Locale")
    OldHomePage = old_apps.get_model("cms", "HomePage")
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    nb, _ = OldLocale.objects.get_or_create(language_code="nb")
    OldLocale.objects.filter(language_code="en").delete()
    Page.objects.filter(depth__gt=1).delete()
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    root, _ = Page.objects.get_or_create(
        depth=1,
        defaults={
            "title": "Root",
            "draft_title": "Root",
            "slug": "root",
            "content_type": page_type,
            "path": "0001",
            "url_path": "/",
            "locale": nb,
        },
    )
    home_type, _ = ContentType.objects.get_or_create(app_label="cms", model="homepage")
    OldHomePage.objects.create(
        title="Fylkeskommunen som pilotkunde",
        draft_title="Fylkeskommunen som pilotkunde",
        slug="pilotmarked",
        content_type=home_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/pilotmarked/",
        live=True,
        locale=nb,
        hero_title_en="The county as your pilot customer",
        hero_lead="Bokmål-ingress",
        hero_lead_en="English lead",
    )
    root.numchild = 1
    root.save()


@pytest.mark.django_db(transaction=True)
def test_migration_turns_the_english_fields_into_an_english_home_page():
    MigrationExecutor(connection).migrate([("cms", "0001_initial")])
    try:
        _old_home_page_with_english_fields()
    finally:
        # Whatever happened, leave the schema as the rest of the suite expects it.
        _migrate_to_latest()

    from cms.models import HomePage

    english = HomePage.objects.get(locale__language_code="en")
    bokmal = HomePage.objects.get(locale__language_code="nb")
    assert english.translation_key == bokmal.translation_key
    assert (english.title, english.hero_lead) == (
        "The county as your pilot customer",
        "English lead",
    )
    assert (bokmal.title, bokmal.hero_lead) == ("Fylkeskommunen som pilotkunde", "Bokmål-ingress")
    assert english.get_parent().depth == 1
    assert Locale.objects.filter(language_code="en").exists()
