"""The site-wide search in a browser: the GET form without JavaScript, facets, highlights, the
status banner when Elasticsearch is down; WCAG 2.1 A/AA (axe) in Bokmål and English."""

from __future__ import annotations

import pytest

from search import index_entries as docs
from search.backends import get_backend
from search.backends.database import DatabaseBackend
from tests.factories import NeedFactory, TenderFactory, cpv_code, municipality

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PREFIXES = ["", "/en"]


@pytest.fixture
def indexed(db):
    roads = cpv_code("45233141", "Road-maintenance works", "Vedlikehold av veier")
    TenderFactory(
        published=True,
        title="Brøyting av fylkesvei",
        description="<p>Vinterdrift av fylkesveier i Asker og Bærum.</p>",
        main_cpv=roads,
        municipalities=[municipality("3203", "Asker")],
    )
    TenderFactory(external=True, title="Skoleskyss langs fylkesveiene", main_cpv=roads)
    NeedFactory(open=True, title="Sensorer for glatte veier", problem="Glatte fylkesveier.")
    backend = DatabaseBackend()
    for kind in docs.Kind.ALL:
        backend.rebuild(kind, docs.documents(kind))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_results_with_facets_have_no_wcag_violations(new_page, assert_accessible, indexed, prefix):
    page = new_page()

    response = page.goto(f"{prefix}/sok/?q=fylkesveier")

    assert response.status == 200
    assert page.locator(".search-hit").count() == 3
    assert page.locator("mark").first.is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_empty_state_and_errors_have_no_wcag_violations(
    new_page, assert_accessible, indexed, prefix
):
    page = new_page(width=375)

    assert page.goto(f"{prefix}/sok/?q=zzyzx").status == 200
    assert page.locator(".search-hit").count() == 0
    assert_accessible(page)

    assert page.goto(f"{prefix}/sok/?q={'x' * 2001}").status == 400
    assert page.locator("#id_q_error").is_visible()
    assert_accessible(page)


def test_search_and_narrow_without_javascript(browser, live_server, indexed):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/sok/")
        page.fill("#id_q", "fylkesveier")
        page.press("#id_q", "Enter")
        page.wait_for_url("**/sok/?q=fylkesveier")
        assert page.locator(".search-hit").count() == 3

        page.check("input[name=source][value=doffin]")
        page.locator(".directory__actions button[type=submit]").click()

        page.wait_for_url("**source=doffin**")
        assert page.locator(".search-hit").count() == 1
        assert "Skoleskyss langs" in page.locator(".search-hit h3").inner_text()
        assert page.locator("#id_q").input_value() == "fylkesveier"
    finally:
        context.close()


def test_the_status_banner_when_elasticsearch_is_down(
    new_page, assert_accessible, indexed, settings
):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.SEARCH_BACKEND = "search.backends.elasticsearch.ElasticsearchBackend"
    get_backend.cache_clear()
    try:
        page = new_page()
        assert page.goto("/en/sok/?q=fylkesveier").status == 200
        banner = page.get_by_role("status")
        assert "simpler mode" in banner.inner_text()
        assert page.locator(".search-hit").count() == 3
        assert_accessible(page)
    finally:
        get_backend.cache_clear()
