"""/api/docs/: Redoc from our own static files renders the OpenAPI schema on our page, under our
Content-Security-Policy, and the page passes axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_page_renders_the_schema_and_is_accessible(new_page, assert_accessible):
    page = new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(
                ("http://localhost", "http://127.0.0.1", "data:", "blob:")
            )
            else None
        ),
    )

    response = page.goto("/api/docs/")

    assert response.status == 200
    # Redoc has read the schema: the API's title and an operation of ours are on the page.
    page.locator("#api-reference h1", has_text="Pilotmarked API").wait_for()
    assert page.locator("#api-reference", has_text="/api/tenders/").count() == 1
    assert page.locator("#api-reference[aria-busy]").count() == 0
    # Redoc's credit asks Redocly's CDN for its logo: the policy refuses it (and the page hides
    # the credit); nothing else is refused.
    assert not [text for text in refused if "cdn.redoc.ly" not in text], refused
    # No CDN: the one address outside (the credit's logo) is asked for and refused by the policy.
    assert all("cdn.redoc.ly" in url for url in outside), outside
    assert_accessible(page)


def test_the_footer_links_the_api_docs(new_page):
    from tests.factories.pages import make_home_page

    make_home_page()
    page = new_page()
    page.goto("/")
    page.locator("footer a", has_text="API").click()
    assert page.url.endswith("/api/docs/")
