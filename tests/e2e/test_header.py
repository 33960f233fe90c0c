"""The site header: one row at 1280 px for every role in both languages, and for the role with
every menu from 1024 px (where the full navigation starts) without overlapping items; compact at
320 px.

Measured in Chromium (issue 18): signed in, the header wrapped into three rows at 1280 px and
took about 300 px of a 320 px wide screen. The signed-in person's own pages now sit behind "My
account", and on a narrow screen everything sits behind "Menu"; both are <details>, so they work
without JavaScript.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tests.conftest import with_totp
from tests.factories import BuyerFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One row of the header: the name (1.5rem) and the buttons with their padding.
ONE_ROW_PX = 72


def _editor_and_admin():
    """The role with the most header links: site administrator, editor, buyer administrator."""
    from cms.editorial import EDITORS
    from marketplace.models import Role
    from tests.factories.notifications import NotificationFactory

    user = with_totp(
        UserFactory(email="redaktor@pilotmarked.test", is_staff=True, is_superuser=True)
    )
    user.groups.add(Group.objects.get_or_create(name=EDITORS)[0])
    MembershipFactory(user=user, organisation=BuyerFactory(), role=Role.BUYER_ADMIN)
    NotificationFactory.create_batch(12, recipient=user)  # a two-digit unread count
    return user


def _supplier():
    from marketplace.models import Role
    from tests.factories import SupplierFactory
    from tests.factories.notifications import NotificationFactory

    user = UserFactory(email="gründer@fjordlys.test")
    MembershipFactory(user=user, organisation=SupplierFactory(), role=Role.SUPPLIER_ADMIN)
    NotificationFactory.create_batch(3, recipient=user)
    return user


def _buyer():
    from marketplace.models import Role
    from tests.factories import OrganisationUnitFactory

    buyer = BuyerFactory()
    user = with_totp(UserFactory(email="innkjoper@afk.test"))
    unit = OrganisationUnitFactory(organisation=buyer)
    MembershipFactory(user=user, organisation=buyer, role=Role.PROCUREMENT_OFFICER, unit=unit)
    return user


ROLES = {
    "anonymous": lambda: None,
    "buyer": _buyer,
    "supplier": _supplier,
    "editor": _editor_and_admin,
}
PAGES = {"nb": "/konkurranser/", "en": "/en/konkurranser/"}

ROW_ITEMS = ", ".join(
    [
        ".site-name",
        ".site-nav__public > li",
        ".account-menu > summary",
        ".language-switch > *",
        ".site-menu > summary",
    ]
)
HEADER_BOXES = """() => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, height: r.height};
  };
  const header = document.querySelector(".site-header");
  const items = [...header.querySelectorAll(ROW_ITEMS)].filter((el) => el.getClientRects().length);
  return {header: box(header), items: items.map(box)};
}""".replace("ROW_ITEMS", repr(ROW_ITEMS))


@pytest.mark.parametrize("language", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_the_header_is_one_row_at_1280_px(new_page, role, language):
    page = new_page(width=1280, user=ROLES[role]())

    page.goto(PAGES[language])

    boxes = page.evaluate(HEADER_BOXES)
    assert boxes["header"]["height"] <= ONE_ROW_PX, boxes
    middles = [(item["top"] + item["bottom"]) / 2 for item in boxes["items"]]
    assert max(middles) - min(middles) < 8, f"the header's items are on more than one row: {boxes}"
    # nothing of the navigation is hidden behind a "Menu" button on a wide screen
    assert not page.locator(".site-menu > summary").is_visible()
    assert page.get_by_role("navigation", name="Main menu" if language == "en" else "Hovedmeny")
    assert page.locator(".language-switch").is_visible()


NO_OVERLAP = """() => {
  const header = document.querySelector(".site-header");
  const items = [...header.querySelectorAll(ROW_ITEMS)].filter((el) => el.getClientRects().length);
  const boxes = items.map((el) => ({
    name: el.className || el.tagName, r: el.getBoundingClientRect(),
  }));
  const overlaps = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
    if (a.r.left < b.r.right - 0.5 && b.r.left < a.r.right - 0.5
        && a.r.top < b.r.bottom - 0.5 && b.r.top < a.r.bottom - 0.5) {
      overlaps.push(`${a.name} / ${b.name}`);
    }
  }));
  return {overlaps, scrollWidth: document.documentElement.scrollWidth};
}""".replace("ROW_ITEMS", repr(ROW_ITEMS))


@pytest.mark.parametrize("language", PAGES)
@pytest.mark.parametrize("width", [1024, 1050, 1100])
def test_the_longest_header_is_one_row_without_overlap_from_1024_px(new_page, width, language):
    """Where the full navigation starts (64rem), the role with every menu still fits one row."""
    page = new_page(width=width, user=_editor_and_admin())

    page.goto(PAGES[language])

    boxes = page.evaluate(HEADER_BOXES)
    assert boxes["header"]["height"] <= ONE_ROW_PX, boxes
    middles = [(item["top"] + item["bottom"]) / 2 for item in boxes["items"]]
    assert max(middles) - min(middles) < 8, f"the header's items are on more than one row: {boxes}"
    layout = page.evaluate(NO_OVERLAP)
    assert layout["overlaps"] == [], layout
    assert layout["scrollWidth"] <= width, layout
    assert not page.locator(".site-menu > summary").is_visible()
    assert page.locator(".account-menu > summary").is_visible()
    assert page.locator(".language-switch").is_visible()


@pytest.mark.parametrize("language", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_the_header_is_compact_at_320_px_and_its_menu_opens(new_page, role, language):
    page = new_page(width=320, height=640, user=ROLES[role]())

    page.goto(PAGES[language])

    boxes = page.evaluate(HEADER_BOXES)
    assert boxes["header"]["height"] <= ONE_ROW_PX, boxes
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    menu = page.locator(".site-menu > summary")
    assert menu.is_visible()
    assert not page.locator(".site-nav").is_visible()
    menu.click()
    nav = page.locator(".site-nav")
    assert nav.is_visible()
    links = nav.locator("a")
    for index in range(links.count()):
        assert links.nth(index).is_visible(), links.nth(index).inner_text()
    assert page.locator(".language-switch .ds-button").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_account_menu_opens_by_keyboard_and_closes_on_escape(new_page):
    user = _supplier()
    page = new_page(width=1280, user=user)
    page.goto("/en/konkurranser/")
    account = page.locator(".account-menu > summary")
    inbox = page.get_by_role("link", name="Inbox")
    assert not inbox.is_visible()

    account.focus()
    page.keyboard.press("Enter")
    assert inbox.is_visible()
    page.keyboard.press("Tab")  # into the open panel: My page
    assert page.evaluate("document.activeElement.closest('.account-menu') !== null")
    page.keyboard.press("Escape")

    assert not inbox.is_visible()
    assert page.evaluate("document.activeElement.matches('.account-menu > summary')")


def test_the_menu_works_without_javascript(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto("/en/konkurranser/")
        assert not page.get_by_role("link", name="Suppliers").is_visible()

        page.locator(".site-menu > summary").click()

        page.get_by_role("link", name="Suppliers").click()
        assert page.url.endswith("/en/leverandorer/")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_open_menus_have_no_wcag_violations(new_page, assert_accessible, width):
    page = new_page(width=width, user=_editor_and_admin())
    page.goto("/en/konkurranser/")

    if width == 320:
        page.locator(".site-menu > summary").click()
    else:
        page.locator(".account-menu > summary").click()

    assert page.get_by_role("link", name="Inbox").is_visible()
    assert_accessible(page)
