"""Sharing and finding: sitemap.xml, robots.txt, canonical URL, Open Graph, meta description and
the feeds of news and success stories."""

from __future__ import annotations

import datetime

import pytest
from defusedxml import ElementTree as ET

from tests.factories import make_guide, make_news, make_story
from tests.factories.events import translate
from tests.html_helpers import parse

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_sitemap_lists_both_language_trees_with_alternates(client):
    guide = make_guide()
    translate(guide, title="How to sell", slug="how-to-sell")

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    tree = ET.fromstring(response.content)
    entries = {
        url.find(f"{SITEMAP}loc").text: {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        for url in tree.findall(f"{SITEMAP}url")
    }
    assert "http://localhost/" in entries
    assert "http://localhost/en/" in entries
    assert entries["http://localhost/en/how-to-sell/"] == {
        "nb": "http://localhost/slik-selger-du-til-fylkeskommunen/",
        "en": "http://localhost/en/how-to-sell/",
    }


def test_sitemap_leaves_out_drafts(client):
    guide = make_guide()
    guide.unpublish()

    assert b"slik-selger-du" not in client.get("/sitemap.xml").content


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /cms-admin/" in lines
    assert "Disallow: /min-side/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_page_head_has_canonical_description_and_open_graph(client):
    story = make_story(search_description="", lead="Sensorer varsler is på sykkelveien.")

    head = parse(client.get(story.url)).first("head")

    assert head.first("link", rel="canonical").get("href") == f"http://localhost{story.url}"
    assert head.first("meta", name="description").get("content") == (
        "Sensorer varsler is på sykkelveien."
    )
    og = {
        meta.get("property"): meta.get("content")
        for meta in head.select("meta")
        if meta.get("property")
    }
    assert og["og:title"] == story.title
    assert og["og:type"] == "article"
    assert og["og:url"] == f"http://localhost{story.url}"
    assert og["og:locale"] == "nb_NO"


def test_search_description_wins_over_the_lead(client):
    story = make_story(search_description="Kort beskrivelse for søk.")

    head = parse(client.get(story.url)).first("head")

    assert head.first("meta", name="description").get("content") == "Kort beskrivelse for søk."


def test_seo_title_is_the_document_title(client):
    guide = make_guide(seo_title="Selg til Akershus")

    assert parse(client.get(guide.url)).first("title").text == "Selg til Akershus – Pilotmarked"


def test_feed_has_news_and_stories_in_the_language_of_the_address(client):
    news = make_news(title="Pilotmarked er åpnet", date=datetime.date(2026, 3, 1))
    story = make_story(title="Sensorer på sykkelveien")
    translate(news, title="Pilotmarked has opened")

    bokmal = ET.fromstring(client.get("/aktuelt/feed.atom").content)
    english = ET.fromstring(client.get("/en/aktuelt/feed.atom").content)

    assert {e.find(f"{ATOM}title").text for e in bokmal.findall(f"{ATOM}entry")} == {
        news.title,
        story.title,
    }
    assert [e.find(f"{ATOM}title").text for e in english.findall(f"{ATOM}entry")] == [
        "Pilotmarked has opened"
    ]


def test_rss_feed_too(client):
    make_news(title="Pilotmarked er åpnet")

    response = client.get("/aktuelt/feed.rss")

    channel = ET.fromstring(response.content).find("channel")
    assert [item.find("title").text for item in channel.findall("item")] == ["Pilotmarked er åpnet"]


def test_pages_link_to_the_feed(client):
    guide = make_guide()

    head = parse(client.get(guide.url)).first("head")

    assert head.first("link", type="application/atom+xml").get("href") == "/aktuelt/feed.atom"
