"""The accessibility statement as seeded (cms/demo_content.py) reads as a real one in both
languages, and lists every known axe finding of the accessibility crawl (tests/e2e/conftest.py
KNOWN_FINDINGS) among the criteria not met."""

from __future__ import annotations

import re

import pytest

from cms import demo_content
from tests.e2e.conftest import KNOWN_FINDINGS
from tests.html_helpers import parse

pytestmark = pytest.mark.django_db


def _paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def _heading(text: str, level: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level}}


def make_seeded_statement():
    """The statement page with the seed's content, in Bokmål with its English translation."""
    from tests.factories import make_accessibility_statement
    from tests.factories.events import translate

    content = demo_content.accessibility(_paragraph, _heading)
    page = make_accessibility_statement(**content["nb"])
    translate(page, **content["en"])
    return page


@pytest.fixture
def statement_pages(client):
    make_seeded_statement()
    pages = {}
    for lang, prefix in (("nb", ""), ("en", "/en")):
        url = f"{prefix}/tilgjengelighetserklaering/"
        response = client.get(url)
        assert response.status_code == 200, url
        pages[lang] = response.content.decode()
    return pages


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_statement_has_contact_complaint_link_method_and_date(statement_pages, settings, lang):
    html = statement_pages[lang]
    assert f'<html lang="{lang}"' in html
    county = settings.EFORMS_BUYER_ADDRESSES["930580783"]["email"]
    assert f'href="mailto:{county}"' in html
    assert 'href="https://www.uutilsynet.no/"' in html
    text = " ".join(parse(html).first("main").text.split())
    assert "axe" in text
    assert ("tastatur" if lang == "nb" else "keyboard") in text
    assert "2.2" in text
    date = demo_content.STATEMENT_DATE
    assert date.strftime("%d.%m.%Y" if lang == "nb" else "%Y-%m-%d") in text
    assert "pilotmarked.test" not in html  # no placeholder address


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_known_axe_finding_is_listed_as_not_met(statement_pages, lang):
    text = " ".join(parse(statement_pages[lang]).first("main").text.split())
    listed = set(re.findall(r"WCAG (\d\.\d\.\d+)", text))
    missing = sorted({finding.criterion for finding in KNOWN_FINDINGS} - listed)
    assert not missing, (
        f"the crawl's known findings break WCAG {missing}, which the statement ({lang}) does not "
        "list: add them to cms/demo_content.py CRITERIA_NOT_MET with reason and date"
    )
    for criterion, *_texts, fix_by in demo_content.CRITERIA_NOT_MET:
        assert criterion in listed
        assert fix_by >= demo_content.STATEMENT_DATE


def test_statement_lists_nothing_the_crawl_does_not_know():
    """A criterion listed as not met is still a known finding (or the statement is stale)."""
    known = {finding.criterion for finding in KNOWN_FINDINGS}
    stale = [c for c, *_rest in demo_content.CRITERIA_NOT_MET if c not in known]
    assert not stale, f"fixed, but still in the statement: {stale}"
