"""Every page type renders in both languages; stories show facts from the data; index filters."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tenders.models import Tender
from tests.factories import (
    NeedFactory,
    OrganisationUnitFactory,
    SupplierFactory,
    TenderFactory,
    make_accessibility_statement,
    make_faq,
    make_guide,
    make_news,
    make_news_index,
    make_story,
    make_story_index,
)
from tests.factories.events import translate
from tests.factories.pages import make_home_page
from tests.html_helpers import parse

pytestmark = pytest.mark.django_db


def _get(client, wagtail_page, **params):
    response = client.get(wagtail_page.url, params)
    assert response.status_code == 200, wagtail_page.url
    return parse(response)


# --- Every page type, both languages ----------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        make_story_index,
        make_story,
        make_guide,
        make_news_index,
        make_news,
        make_faq,
        make_accessibility_statement,
    ],
)
def test_page_renders_in_bokmal_and_in_its_english_translation(client, make):
    page = make()
    english = translate(page, title="English title")

    bokmal = _get(client, page)
    in_english = _get(client, english)

    assert bokmal.first("html").get("lang") == "nb"
    assert bokmal.first("h1").text == page.title
    assert english.url.startswith("/en/")
    assert in_english.first("html").get("lang") == "en"
    assert in_english.first("h1").text == "English title"


def test_home_page_shows_live_opportunities_and_stories(client):
    home = make_home_page()
    closing = TenderFactory(
        published=True,
        title="Snart frist",
        submission_deadline=timezone.now() + datetime.timedelta(days=2),
        question_deadline=None,
    )
    TenderFactory(
        published=True,
        title="Senere frist",
        submission_deadline=timezone.now() + datetime.timedelta(days=40),
    )
    TenderFactory(
        title="Utkast",
        question_deadline=None,
        submission_deadline=timezone.now() + datetime.timedelta(days=1),
    )
    pilot_need = NeedFactory(
        status="open", is_pilot_opportunity=True, published_at=timezone.now(), title="Pilotbehov"
    )
    story = make_story(title="Sensorer på sykkelveien")

    main = _get(client, home).first("main")

    closing_list = main.first("section", aria_labelledby="closing-heading")
    titles = [a.text for a in closing_list.select("a") if "konkurranser/" in (a.get("href") or "")]
    assert titles[0] == closing.title
    assert "Utkast" not in closing_list.text
    pilots = main.first("section", aria_labelledby="pilots-heading")
    assert pilot_need.title in pilots.text
    assert story.title in main.first("section", aria_labelledby="stories-heading").text
    figures = main.first("section", aria_labelledby="indicators-heading").select("dt")
    assert len(figures) == 3


def test_english_home_page_lists_english_stories_only(client):
    story = make_story(title="Norsk historie")
    english_story = translate(story, title="English story")
    english_home = english_story.get_parent().get_parent()

    main = _get(client, english_home).first("main")

    stories = main.first("section", aria_labelledby="stories-heading").text
    assert "English story" in stories
    assert "Norsk historie" not in stories


# --- Success stories: facts from the data -----------------------------------------------------


def test_story_shows_facts_pulled_from_tender_and_supplier(client):
    unit = OrganisationUnitFactory(name="Samferdsel", name_en="Transport")
    tender = TenderFactory(
        published=True,
        buyer=unit.organisation,
        unit=unit,
        is_pilot=True,
        pilot_duration_months=6,
        pilot_budget=Decimal("600000"),
    )
    supplier = SupplierFactory(name="Nordlys Sensorikk AS")
    story = translate(make_story(tender=tender, supplier=supplier), title="Sensors")

    facts = _get(client, story).first("aside", aria_labelledby="facts-heading")

    text = facts.text
    assert "Nordlys Sensorikk AS" in text
    assert tender.reference in text
    assert "Transport" in text
    assert "NOK 600,000" in text
    assert "6 months" in text
    assert "Open for bids" in text
    assert "Not recorded yet" in text  # pilot outcome: the story links no pilot
    assert facts.first("a", href=f"/en/leverandorer/{supplier.slug}/")


def test_story_facts_follow_the_data_when_it_changes(client):
    tender = TenderFactory(published=True, pilot_budget=Decimal("600000"))
    story = translate(make_story(tender=tender), title="Sensors")
    assert "Open for bids" in _get(client, story).first("aside").text

    Tender.objects.filter(pk=tender.pk).update(
        status=Tender.Status.AWARDED, pilot_budget=Decimal("750000")
    )

    text = _get(client, story).first("aside").text
    assert "Awarded" in text
    assert "NOK 750,000" in text


def test_story_without_a_pilot_has_no_pilot_facts():
    assert make_story().pilot_facts() is None


# --- Index pages: filters and pagination ------------------------------------------------------


def test_story_index_filters_by_theme_and_service_area(client):
    from tenders.models import Theme

    green, _ = Theme.objects.get_or_create(
        slug="gronn", defaults={"name_nb": "Grønn", "name_en": "Green"}
    )
    roads = OrganisationUnitFactory(name="Samferdsel")
    schools = OrganisationUnitFactory(name="Utdanning")
    green_tender = TenderFactory(published=True, unit=roads, buyer=roads.organisation)
    green_tender.themes.add(green)
    index = make_story_index()
    on_roads = make_story(index=index, title="Veier", tender=green_tender)
    in_schools = make_story(
        index=index,
        title="Skoler",
        tender=TenderFactory(published=True, unit=schools, buyer=schools.organisation),
    )

    by_theme = _get(client, index, theme="gronn").first("main").text
    by_area = _get(client, index, area=schools.pk).first("main").text
    everything = _get(client, index).first("main").text

    assert on_roads.title in by_theme and in_schools.title not in by_theme
    assert in_schools.title in by_area and on_roads.title not in by_area
    assert on_roads.title in everything and in_schools.title in everything


def test_story_index_outcome_filter_reads_the_pilots_outcome(client):
    from tests.factories.pilots import PilotFactory

    index = make_story_index()
    scaled = PilotFactory(status="decided", outcome="scaled_up", decided_at=timezone.now())
    stopped = PilotFactory(status="decided", outcome="stopped", decided_at=timezone.now())
    make_story(
        index=index,
        title="Historie Alfa",
        pilot=scaled,
        tender=scaled.tender,
        supplier=scaled.supplier,
    )
    make_story(
        index=index,
        title="Historie Beta",
        pilot=stopped,
        tender=stopped.tender,
        supplier=stopped.supplier,
    )
    make_story(index=index, title="Historie Gamma")

    scaled_up = _get(client, index, outcome="scaled_up").first("main").text
    stopped_text = _get(client, index, outcome="stopped").first("main").text
    continued = _get(client, index, outcome="continued").first("main").text

    assert "Historie Alfa" in scaled_up and "Historie Beta" not in scaled_up
    assert "Historie Gamma" not in scaled_up
    assert "Historie Beta" in stopped_text and "Historie Alfa" not in stopped_text
    assert "Historie" not in continued


def test_story_index_paginates_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    index = make_story_index()
    for _ in range(12):
        make_story(index=index)

    with django_assert_max_num_queries(40):
        first = _get(client, index)
    second = _get(client, index, page=2)

    assert len(first.first("ul", class_="story-list").select("li")) == 10
    assert len(second.first("ul", class_="story-list").select("li")) == 2
    assert first.first("nav", class_="ds-pagination")


def test_news_index_lists_newest_first_and_filters_by_year(client):
    index = make_news_index()
    make_news(index=index, title="Gammel", date=datetime.date(2025, 5, 1))
    make_news(index=index, title="Ny", date=datetime.date(2026, 5, 1))

    everything = [h.text for h in _get(client, index).first("main").select("h2")]
    only_2025 = [h.text for h in _get(client, index, year="2025").first("main").select("h2")]

    assert everything == ["Ny", "Gammel"]
    assert only_2025 == ["Gammel"]


def test_guide_shows_the_thresholds_table(client):
    guide = make_guide()

    table = _get(client, guide).first("table")

    assert table.first("caption")
    assert table.first("tbody").select("tr")


def test_faq_questions_are_headings_with_answers(client):
    faq = make_faq()

    main = _get(client, faq).first("main")

    assert main.first("h2").text == "Hva er en pilot?"
    assert "En utprøving." in main.text


def test_accessibility_statement_is_where_the_footer_links(client):
    make_accessibility_statement()

    response = client.get("/tilgjengelighetserklaering/")

    assert response.status_code == 200
    assert "uu@pilotmarked.test" in parse(response).first("main").text
