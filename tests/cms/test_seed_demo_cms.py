"""seed_demo builds the demo page tree in both languages, and a second run adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from wagtail.models import Page

from cms.models import SuccessStoryPage
from tests.html_helpers import parse


@pytest.fixture
def seeded(settings, db):
    settings.DEBUG = True  # seed_demo refuses to run without DEBUG (it makes known passwords)
    call_command("seed_demo", stdout=io.StringIO())


def test_demo_tree_in_both_languages(client, seeded):
    for path in [
        "/",
        "/en/",
        "/suksesshistorier/",
        "/en/success-stories/",
        "/slik-selger-du-til-fylkeskommunen/",
        "/en/how-to-sell-to-the-county/",
        "/nyheter/",
        "/en/news/",
        "/sporsmal-og-svar/",
        "/en/faq/",
        "/tilgjengelighetserklaering/",
        "/en/tilgjengelighetserklaering/",
    ]:
        assert client.get(path).status_code == 200, path


def test_demo_stories_link_to_demo_suppliers_and_tenders(client, seeded):
    stories = SuccessStoryPage.objects.filter(locale__language_code="nb")

    assert stories.count() == 2
    assert {story.supplier.slug for story in stories} == {"nordlys-sensorikk", "storby-digital"}
    main = parse(client.get("/en/")).first("main")
    assert len(main.first("section", aria_labelledby="stories-heading").select("li")) == 2
    assert main.first("section", aria_labelledby="closing-heading").select("li")


def test_second_run_adds_nothing(seeded):
    pages = Page.objects.count()

    out = io.StringIO()
    call_command("seed_demo_cms", stdout=out)

    assert Page.objects.count() == pages
    assert "(0 pages added)" in out.getvalue()


def test_demo_stories_follow_the_demo_pilots(client, seeded):
    from pilots.models import Pilot

    stories = SuccessStoryPage.objects.select_related("pilot")
    assert {story.pilot.outcome for story in stories} == {"scaled_up", ""}
    assert all(story.pilot.supplier_id == story.supplier_id for story in stories)

    text = (
        parse(client.get("/en/success-stories/digital-appointments-dental-service/"))
        .first("aside", aria_labelledby="facts-heading")
        .text
    )
    assert "Scaled up" in text and "3 of 3" in text

    by_outcome = parse(client.get("/en/success-stories/", {"outcome": "scaled_up"})).first("main")
    assert len(by_outcome.select("li", class_="story-card")) == 1
    assert Pilot.objects.count() == 2
