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
    from search import index_entries as docs
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


# --- The two keyboard journeys: no mouse from the first page to the last ------------------------


FOCUS_IS = """([selector, text]) => document.activeElement.matches(selector)
    && (text === null || document.activeElement.textContent.trim() === text)"""


def _tab_to(page, selector: str, text: str | None = None, *, limit: int = 250) -> None:
    """Press Tab until ``selector`` (saying ``text``) has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUS_IS, [selector, text]):
            return
    raise AssertionError(f"{selector} {text or ''} is not reachable with Tab on {page.url}")


def _activate(page, selector: str, text: str) -> None:
    _tab_to(page, selector, text)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _type_datetime(page, selector: str, when) -> None:
    """A datetime-local field in Chromium's en-US order: month, day, year, hour, minute, AM/PM."""
    _tab_to(page, selector)
    page.keyboard.type(when.strftime("%m%d%Y"))
    page.keyboard.press("Tab")  # the year takes up to six digits, so Tab moves on to the hour
    page.keyboard.type(when.strftime("%I%M") + when.strftime("%p")[0])


def test_a_buyer_publishes_a_tender_with_a_cpv_code_and_a_deadline_by_keyboard(
    new_page, procurement_officer, buyer_unit
):
    import zoneinfo
    from datetime import timedelta

    from django.utils import timezone

    from tenders.models import Tender
    from tests.factories import cpv_code

    cpv_code("90620000", "Snow-clearing services", "Snørydding")
    oslo = zoneinfo.ZoneInfo("Europe/Oslo")
    noon = {"hour": 12, "minute": 0, "second": 0, "microsecond": 0}
    questions = (timezone.now() + timedelta(days=20)).astimezone(oslo).replace(**noon)
    deadline = (timezone.now() + timedelta(days=30)).astimezone(oslo).replace(**noon)
    page = new_page(user=procurement_officer)
    page.goto("/en/innkjop/konkurranser/ny/")

    _tab_to(page, "#id_title")
    page.keyboard.type("Winter maintenance of county roads")
    _tab_to(page, "#id_unit")
    page.keyboard.press("ArrowDown")  # the officer's one unit after the empty choice
    _tab_to(page, "#id_description")
    page.keyboard.type("Snow clearing and gritting on county roads.")
    _tab_to(page, "#id_procedure")
    page.keyboard.type("Open")
    _tab_to(page, "#id_contract_type")
    page.keyboard.type("Services")
    _tab_to(page, "#id_estimated_value")
    page.keyboard.type("1500000")
    _tab_to(page, "#id_main_cpv")
    page.keyboard.type("90620000")
    page.wait_for_selector("[role=option]:has-text('90620000')")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    _type_datetime(page, "#id_question_deadline", questions)
    _type_datetime(page, "#id_submission_deadline", deadline)
    _tab_to(page, "#id_lots-0-title")
    page.keyboard.type("Whole county")
    _tab_to(page, "#id_criteria-0-name")
    page.keyboard.type("Price")
    _tab_to(page, "#id_criteria-0-weight")
    page.keyboard.type("100")
    _activate(page, "button[type=submit]", "Save draft")
    _activate(page, "button[type=submit]", "Publish")

    tender = Tender.objects.get(title="Winter maintenance of county roads")
    assert tender.status == Tender.Status.PUBLISHED, page.locator("main").inner_text()[:500]
    assert tender.main_cpv_id == "90620000"
    assert tender.unit == buyer_unit
    assert timezone.localtime(tender.submission_deadline, oslo) == deadline


def test_a_supplier_bids_by_keyboard(new_page):
    from bids.models import Bid
    from tests.factories.bids import supplier_member, tender_ready_for_bids

    tender = tender_ready_for_bids(lots=0, requirements=1, title="Smart street lights")
    user = supplier_member()
    page = new_page(user=user)
    page.goto(f"/en/konkurranser/{tender.reference}/")

    _activate(page, "a", "Create or continue your bid")
    _activate(page, "button[type=submit]", "Create bid")
    assert page.url.endswith("/rediger/")
    for lot in page.locator("main input[type=checkbox][name^=lot_]").all():
        key = lot.get_attribute("name").removeprefix("lot_")
        _tab_to(page, f"#id_lot_{key}")
        page.keyboard.press("Space")
        _tab_to(page, f"#id_price_{key}")
        page.keyboard.type("990000")
    requirement = tender.requirements.get()
    _tab_to(page, f"#id_requirement_{requirement.pk}")
    page.keyboard.type("We have run street lights for three municipalities.")
    for criterion in tender.criteria.all():
        _tab_to(page, f"#id_criterion_{criterion.pk}")
        page.keyboard.type("Answered.")
    _tab_to(page, "#id_message")
    page.keyboard.type("We look forward to it.")
    _activate(page, "button[type=submit]", "Save the draft")
    _activate(page, "a", "Review and submit")
    _activate(page, "button[type=submit]", "Submit the bid")

    assert page.url.endswith("/kvittering/"), page.locator("main").inner_text()[:800]
    bid = Bid.objects.get(tender=tender)
    assert bid.status == Bid.Status.SUBMITTED
    assert bid.receipt_code in page.locator("main").inner_text()
