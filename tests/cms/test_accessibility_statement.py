"""The accessibility statement as seeded (cms/demo_content.py) reads as a real one in both
languages: the legal requirement (WCAG 2.1) and what is tested (WCAG 2.2), the deployment's
uustatus.no link, every known axe finding of the accessibility crawl (tests/e2e/conftest.py
KNOWN_FINDINGS) among the criteria not met, and the vendors' findings of the back-office crawl
(tests/e2e/test_a11y_back_office.py VENDOR_FINDINGS) among the back office's known limitations."""

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
    assert f'href="{settings.UUSTATUS_STATEMENT_URL}"' in html
    text = " ".join(parse(html).first("main").text.split())
    assert "axe" in text
    assert ("tastatur" if lang == "nb" else "keyboard") in text
    # the legal requirement (WCAG 2.1 A and AA) and what is tested (WCAG 2.2 A and AA)
    assert ("nivå A og AA i WCAG 2.1" if lang == "nb" else "levels A and AA in WCAG 2.1") in text
    assert ("WCAG 2.2 nivå A og AA" if lang == "nb" else "WCAG 2.2 levels A and AA") in text
    # the status (the page's conformance) is about the legal requirement
    assert (
        "Oppfyller WCAG 2.1 nivå AA delvis"
        if lang == "nb"
        else "Partially conforms to WCAG 2.1 level AA"
    ) in text
    date = demo_content.STATEMENT_DATE
    assert date.strftime("%d.%m.%Y" if lang == "nb" else "%Y-%m-%d") in text
    assert "pilotmarked.test" not in html  # no placeholder address


def test_statement_links_to_the_deployments_uustatus_statement(client, settings):
    settings.UUSTATUS_STATEMENT_URL = "https://uustatus.no/nb/erklaringer/publisert/pilotmarked"
    make_seeded_statement()

    html = client.get("/en/tilgjengelighetserklaering/").content.decode()

    assert 'href="https://uustatus.no/nb/erklaringer/publisert/pilotmarked"' in html


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


def test_back_office_limitations_are_the_vendor_findings_of_the_crawl():
    """The statement's back-office limitations and the back-office crawl's vendor findings name
    the same (vendor, criterion) pairs: a new vendor finding must be listed, a fixed one goes."""
    from tests.e2e.test_a11y_back_office import VENDOR_FINDINGS

    found = {(finding.owner, finding.criterion) for finding in VENDOR_FINDINGS}
    listed = {
        (vendor, criterion) for criterion, vendor, *_texts in demo_content.BACK_OFFICE_LIMITATIONS
    }
    assert found == listed, (
        f"not in the statement: {sorted(found - listed)}; no longer found: {sorted(listed - found)}"
    )


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_statement_lists_the_back_office_limitations(statement_pages, lang):
    text = " ".join(parse(statement_pages[lang]).first("main").text.split())
    for criterion, vendor, nb, en in demo_content.BACK_OFFICE_LIMITATIONS:
        assert f"WCAG {criterion} ({vendor}): {nb if lang == 'nb' else en}" in text
