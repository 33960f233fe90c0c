"""The header's and footer's addresses, reversed once per language (``{% site_links %}``), and
the anonymous language switch's link (``{% language_url %}``), which reverses the request's own
match: both give what reversing and ``translate_url`` on every page gave."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import resolve, reverse, set_script_prefix, translate_url
from django.utils import translation
from django.utils.html import escape

from marketplace.context_processors import navigation
from marketplace.templatetags.site_links import LINKS, links_table
from tests.html_helpers import parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_table_is_what_reverse_gives_in_each_language(language):
    with translation.override(language):
        table = links_table()
        expected = {short: reverse(name, args=args) for short, (name, args) in LINKS.items()}

    assert dict(table) == expected
    assert table["opportunities"] == ("/en" if language == "en" else "") + "/konkurranser/"


def test_the_table_follows_the_script_prefix():
    try:
        set_script_prefix("/marked/")
        with translation.override("nb"):
            assert links_table()["opportunities"] == "/marked/konkurranser/"
    finally:
        set_script_prefix("/")
    with translation.override("nb"):
        assert links_table()["opportunities"] == "/konkurranser/"


def test_anonymous_header_links_in_english(client):
    page = parse(client.get("/en/konkurranser/"))

    nav = page.first("nav", aria_label="Main menu")
    hrefs = [a.get("href") for a in nav.select("a")]
    assert "/en/konkurranser/" in hrefs
    with translation.override("en"):
        assert reverse("account_login") in hrefs
    assert nav.first("a", aria_current="page").get("href") == "/en/konkurranser/"
    switch = page.first("div", class_="language-switch").first("a")
    assert switch.get("href") == "/konkurranser/"


PATHS = [
    "/konkurranser/",
    "/en/konkurranser/?side=2&status=open",
    "/konkurranser/BENK-000001/",
    "/en/konkurranser/BENK-000001/",
    "/leverandorer/?q=renhold",
    "/en/finnes/ikke/noe/sted/",
    "/healthz",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("code", ["nb", "en"])
def test_language_url_is_what_translate_url_gives(path, code):
    # given a request resolved as the handler resolves it, in its own language
    request = RequestFactory().get(path)
    request.path_info = request.path
    request.user = None
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        request.resolver_match = resolve(request.path_info)
        context = navigation(request)
        context["request"] = request

        # when
        found = Template("{% load language_links %}{% language_url code %}").render(
            Context({**context, "code": code})
        )

        # then
        with translation.override(settings.LANGUAGE_CODE):
            assert found == escape(translate_url(context["language_next"], code))


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_footer_links_from_the_table_in_each_language(client, language):
    prefix = "/en" if language == "en" else ""
    footer = parse(client.get(f"{prefix}/konkurranser/")).first("footer")

    hrefs = [a.get("href") for a in footer.select("a")]
    with translation.override(language):
        accessibility = reverse("wagtail_serve", args=["tilgjengelighetserklaering/"])
        assert hrefs[:2] == [accessibility, reverse("api_docs")]
    assert accessibility == f"{prefix}/tilgjengelighetserklaering/"
