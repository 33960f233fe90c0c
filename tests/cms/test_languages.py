"""Both languages through Wagtail's locales: the English tree under /en/, the language switch
keeps the page and hreflang alternates."""

from __future__ import annotations

import pytest

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
