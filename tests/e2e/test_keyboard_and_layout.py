"""Keyboard use and small screens: the skip link comes first, nothing scrolls sideways at 320 px."""

from __future__ import annotations

import pytest

from tests.factories.pages import make_home_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tab_reaches_the_skip_link_first_and_enter_moves_focus_to_main(new_page):
    page = new_page()
    page.goto("/accounts/login/")

    page.keyboard.press("Tab")

    focused = page.evaluate(
        "({cls: document.activeElement.className,"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"cls": "ds-skip-link", "href": "#main"}
    box = page.locator(".ds-skip-link").bounding_box()
    assert box["width"] > 20 and box["height"] > 10, "the focused skip link must be visible"

    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_focus_is_visible_on_links_and_buttons(new_page):
    page = new_page()
    page.goto("/accounts/login/")

    for _ in range(3):  # skip link, site name, first navigation link
        page.keyboard.press("Tab")

    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth),"
        " shadow: s.boxShadow}; })()"
    )
    assert (style["outline"] != "none" and style["width"] >= 2) or style["shadow"] != "none"


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/finnes-ikke/", "/en/"]
)
def test_no_horizontal_scroll_at_320_px(new_page, path):
    make_home_page()
    page = new_page(width=320, height=640)

    page.goto(path)

    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_dashboard_fits_320_px(new_page, assert_accessible, supplier_admin):
    page = new_page(width=320, height=640, user=supplier_admin)

    page.goto("/min-side/")

    assert page.locator("h1").inner_text() in {"My page", "Min side"}
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # the organisations table scrolls inside its own region, which the keyboard can reach
    assert page.locator(".table-scroll").get_attribute("tabindex") == "0"
    assert_accessible(page)


def test_language_switch_in_the_browser(new_page, supplier_admin):
    page = new_page(user=supplier_admin)
    page.goto("/min-side/")

    page.click("form.language-switch button[value=en]")

    assert page.url.endswith("/en/min-side/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("form.language-switch button[value=nb]")
    assert page.url.endswith("/min-side/") and "/en/" not in page.url
    assert page.locator("html").get_attribute("lang") == "nb"


# --- Skip to results ---------------------------------------------------------------------------


def _list_pages():
    """Each list page with a filter form before its results, and the first result's link."""
    from search import documents as docs
    from search.backends.database import DatabaseBackend
    from tests.factories import (
        ListedSupplierProfileFactory,
        NeedFactory,
        SupplierFactory,
        TenderFactory,
        TestArenaFactory,
    )

    tender = TenderFactory(published=True, title="Brøyting av fylkesvei")
    need = NeedFactory(open=True, title="Sensorer for glatte veier")
    arena = TestArenaFactory(name="Skolelaben på Strømmen")
    supplier = SupplierFactory(name="Fjordlys Teknologi AS")
    ListedSupplierProfileFactory(organisation=supplier)
    backend = DatabaseBackend()
    for kind in docs.Kind.ALL:
        backend.rebuild(kind, docs.documents(kind))
    return {
        "/konkurranser/": tender.title,
        "/behov/": need.title,
        "/testarenaer/": arena.name,
        "/leverandorer/": supplier.name,
        "/sok/?q=fylkesvei": tender.title,
    }


FOCUSED_TEXT = "document.activeElement.textContent.trim()"


def test_the_first_result_of_every_filtered_list_is_three_tabs_away(new_page, supplier_admin):
    pages = _list_pages()
    page = new_page(user=supplier_admin)

    for path, first_result in pages.items():
        page.goto(path)
        presses = 0
        while presses < 3 and page.evaluate(FOCUSED_TEXT) != first_result:
            page.keyboard.press("Tab")
            presses += 1
            if page.evaluate("document.activeElement.getAttribute('href')") == "#results":
                page.keyboard.press("Enter")  # skip to results
                assert page.evaluate("document.activeElement.id") == "results", path

        assert page.evaluate(FOCUSED_TEXT) == first_result, (
            f"{path}: the first result is more than 3 Tab presses from the top of the page"
        )
