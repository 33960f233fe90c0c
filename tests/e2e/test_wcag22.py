"""WCAG 2.2 criteria that axe cannot see, measured in Chromium (issue 18).

- 2.5.8 target size: every control is 24 x 24 CSS px or has room around it (links inside a
  sentence are exempt, as the criterion says);
- 2.4.11 focus not obscured: no fixed or sticky box hides the focused element while tabbing;
- 2.5.7 dragging: nothing on the site is dragged, so there is nothing to give an alternative to;
- 3.3.8 accessible authentication: no puzzle, paste allowed, the password manager's
  ``autocomplete`` tokens on the log-in, sign-up and code fields;
- 3.3.7 redundant entry: the bid and tender forms never ask for what the site knows (the person,
  the organisation, its contact details), and a draft comes back filled in;
- date and time fields are filled by typing, from the keyboard.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ListedSupplierProfileFactory, SupplierFactory, TenderFactory
from tests.factories.bids import draft_bid, supplier_member, tender_ready_for_bids
from tests.factories.pages import make_home_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The criterion's exceptions: a link in a sentence, and a control the browser draws inside
# another (a date field's parts). Hidden things are no target.
UNDERSIZED_TARGETS = """() => {
  const SIZE = 24;
  const targets = [...document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex='0']"
  )].filter((el) => {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === "hidden") return false;
    if (el.closest(".ds-skip-link, .ds-sr-only")) return false;
    if (el.matches("a")) {  // inline: the block it sits in has text of its own
      const block = el.closest("p, li, dd, td, th, label, span.ds-validation-message");
      if (block && block.textContent.trim() !== el.textContent.trim()) return false;
    }
    return true;
  });
  const boxes = targets.map((el) => {
    const r = el.getBoundingClientRect();
    return {el, r, cx: r.left + r.width / 2, cy: r.top + r.height / 2,
            small: r.width < SIZE - 0.5 || r.height < SIZE - 0.5};
  });
  const distanceToBox = (x, y, r) => Math.hypot(
    Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const failures = [];
  for (const a of boxes.filter((b) => b.small)) {
    const crowded = boxes.some((b) => b !== a && !a.el.contains(b.el) && !b.el.contains(a.el) && (
      b.small ? Math.hypot(a.cx - b.cx, a.cy - b.cy) < SIZE
              : distanceToBox(a.cx, a.cy, b.r) < SIZE / 2));
    if (crowded) {
      const size = `${Math.round(a.r.width)}x${Math.round(a.r.height)}`;
      failures.push(`${a.el.outerHTML.slice(0, 120)} (${size})`);
    }
  }
  return failures;
}"""


def _pages_with_content(supplier_user):
    make_home_page()
    tender = TenderFactory(published=True, title="Brøyting av fylkesvei")
    supplier = SupplierFactory(name="Nordlys Sensorikk AS", slug="nordlys")
    ListedSupplierProfileFactory(organisation=supplier)
    return [
        ("/", None),
        ("/konkurranser/", None),
        (f"/konkurranser/{tender.reference}/", None),
        ("/leverandorer/", None),
        ("/leverandorer/nordlys/", None),
        ("/behov/", None),
        ("/accounts/login/", None),
        ("/accounts/signup/", None),
        ("/min-side/", supplier_user),
        ("/en/konkurranser/", supplier_user),
    ]


@pytest.mark.parametrize("width", [1280, 320])
def test_targets_are_24_px_or_have_room_around_them(new_page, supplier_admin, width):
    failures = []
    for path, user in _pages_with_content(supplier_admin):
        page = new_page(width=width, user=user)
        page.goto(path)
        if width == 320:
            page.locator(".site-menu > summary").click()  # the menu's links are targets too
        failures += [f"{path}: {failure}" for failure in page.evaluate(UNDERSIZED_TARGETS)]
        page.context.close()

    assert not failures, "targets smaller than 24 px with neighbours too close:\n" + "\n".join(
        failures
    )


# Is the focused element entirely hidden by a fixed or sticky box that is not its own?
FOCUS_OBSCURED = """() => {
  const focused = document.activeElement;
  if (!focused || focused === document.body) return null;
  const r = focused.getBoundingClientRect();
  const covering = [...document.querySelectorAll("body *")].filter((el) => {
    const position = getComputedStyle(el).position;
    if (position !== "fixed" && position !== "sticky") return false;
    if (el.contains(focused) || focused.contains(el)) return false;
    const c = el.getBoundingClientRect();
    return c.left <= r.left && c.right >= r.right && c.top <= r.top && c.bottom >= r.bottom;
  });
  if (!covering.length) return null;
  return `${focused.outerHTML.slice(0, 100)} under ${covering[0].outerHTML.slice(0, 80)}`;
}"""


@pytest.mark.parametrize("width", [1280, 320])
def test_tabbing_through_a_long_page_never_hides_the_focus(new_page, supplier_admin, width):
    for n in range(30):
        TenderFactory(published=True, title=f"Konkurranse nummer {n}")
    page = new_page(width=width, height=600, user=supplier_admin)
    page.goto("/konkurranser/")

    hidden = []
    for _ in range(80):
        page.keyboard.press("Tab")
        finding = page.evaluate(FOCUS_OBSCURED)
        if finding:
            hidden.append(finding)
        # and the focused element is on screen: the browser scrolled it into view
        box = page.evaluate("document.activeElement.getBoundingClientRect().toJSON()")
        assert box["bottom"] > 0 and box["top"] < 600, box

    assert not hidden, "\n".join(hidden)


DRAG_HANDLERS = """() => [...document.querySelectorAll("*")].filter((el) =>
  el.draggable && !el.matches("a[href], img") ||
  ["ondragstart", "ondrag", "ondrop", "ondragover"].some((name) => el.getAttribute(name) !== null)
).map((el) => el.outerHTML.slice(0, 120))"""


def test_nothing_is_dragged_so_nothing_needs_an_alternative(new_page, supplier_admin):
    """2.5.7: no element is draggable or listens for drag events on the main page types.

    Links and images are draggable by default in every browser; the site gives them no drag
    behaviour of its own. A script adding listeners with addEventListener is found by the grep
    over static/js in the second half of this test.
    """
    from pathlib import Path

    from django.conf import settings

    for path, user in _pages_with_content(supplier_admin):
        page = new_page(user=user)
        page.goto(path)
        assert page.evaluate(DRAG_HANDLERS) == [], path
        page.context.close()
    scripts = Path(settings.BASE_DIR, "static", "js").glob("*.js")
    for script in scripts:
        text = script.read_text()
        for event in ("dragstart", "pointermove", "touchmove", "mousemove", "drop"):
            assert f'"{event}"' not in text, f"{script.name} listens for {event}"


# --- 3.3.8 accessible authentication -----------------------------------------------------------


def _autocomplete(page, selector):
    return page.locator(selector).get_attribute("autocomplete")


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_log_in_and_sign_up_fields_carry_autocomplete_and_allow_paste(new_page, prefix):
    page = new_page()

    page.goto(f"{prefix}/accounts/login/")
    assert _autocomplete(page, "input[name=login]") in {"email", "username"}
    assert _autocomplete(page, "input[name=password]") == "current-password"
    # pasting a password from a manager works: nothing cancels the paste event
    page.locator("input[name=password]").focus()
    page.evaluate(
        """() => {
        const data = new DataTransfer(); data.setData("text/plain", "limt-inn-passord");
        const field = document.querySelector("input[name=password]");
        const allowed = field.dispatchEvent(new ClipboardEvent("paste",
            {clipboardData: data, bubbles: true, cancelable: true}));
        if (allowed) field.value = "limt-inn-passord";
        }"""
    )
    assert page.locator("input[name=password]").input_value() == "limt-inn-passord"
    assert page.locator("form img, form canvas, iframe").count() == 0, "no puzzle or captcha"

    page.goto(f"{prefix}/accounts/signup/")
    assert _autocomplete(page, "input[name=email]") == "email"
    assert _autocomplete(page, "input[name=password1]") == "new-password"
    assert _autocomplete(page, "input[name=password2]") == "new-password"


def test_the_two_factor_code_field_takes_the_one_time_code(new_page):
    from allauth.account.models import EmailAddress

    from tests.conftest import with_totp
    from tests.factories import UserFactory

    user = with_totp(UserFactory(email="kode@afk.test"))
    user.set_password("pilot-demo-2026")
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    page = new_page()
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", "pilot-demo-2026")
    page.locator("input[name=password]").press("Enter")

    page.wait_for_selector("input[name=code]")
    assert _autocomplete(page, "input[name=code]") == "one-time-code"


# --- 3.3.7 redundant entry ---------------------------------------------------------------------

ASKS_FOR_KNOWN = """() => [...document.querySelectorAll("main input, main textarea, main select")]
  .map((el) => el.name || "")
  .filter((name) => /(^|_)(email|phone|contact|organisation|org_number|company)/i.test(name))
"""


def test_the_bid_form_asks_nothing_the_site_knows_and_keeps_the_draft(new_page):
    tender = tender_ready_for_bids(lots=1, requirements=1, title="Smart gatelys i Asker")
    user = supplier_member()
    bid = draft_bid(tender=tender, by=user)
    page = new_page(user=user)
    page.goto(f"/en/tilbud/{bid.public_id}/rediger/")

    assert page.evaluate(ASKS_FOR_KNOWN) == []
    page.locator("textarea[name=message]").fill("Vi leverer innen fristen.")
    page.locator("main form button[type=submit]").first.click()

    page.goto(f"/en/tilbud/{bid.public_id}/rediger/")
    assert page.locator("textarea[name=message]").input_value() == "Vi leverer innen fristen."


def test_the_tender_form_asks_nothing_the_site_knows(new_page, procurement_officer):
    page = new_page(user=procurement_officer)

    page.goto("/en/innkjop/konkurranser/ny/")

    assert page.evaluate(ASKS_FOR_KNOWN) == []
    # the buyer comes from the officer's membership, never from a field
    assert page.locator("main [name=buyer]").count() == 0


# --- Date and time fields by keyboard --------------------------------------------------------


def test_the_tender_deadline_is_typed_from_the_keyboard(new_page, procurement_officer):
    page = new_page(user=procurement_officer)
    page.goto("/en/innkjop/konkurranser/ny/")
    deadline = timezone.localtime() + timedelta(days=30)
    field = page.locator("#id_submission_deadline")

    field.focus()
    # Chromium (en-US) takes the parts in its order, each moving on to the next when full:
    # month, day, year (up to six digits, so Tab moves on), hour, minute, AM/PM
    page.keyboard.type(deadline.strftime("%m%d%Y"))
    page.keyboard.press("Tab")
    page.keyboard.type("1200P")

    assert field.input_value() == deadline.strftime("%Y-%m-%dT12:00")


def test_the_opportunity_filters_date_is_typed_from_the_keyboard(new_page):
    page = new_page()
    page.goto("/en/konkurranser/")
    field = page.locator("main input[type=date]").first

    field.focus()
    page.keyboard.type("12242026")  # month, day, year in Chromium's en-US order

    assert field.input_value() == "2026-12-24"


# --- The account pages read as the rest of the site ---------------------------------------------

TITLE_CASE = re.compile(r"^\S+(?: \S+)*? (?!TOTP|IP)[A-Z][a-z]")


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/en/accounts/login/", "Sign in"),
        ("/en/accounts/signup/", "Sign up"),
        ("/en/accounts/password/reset/", "Password reset"),
        ("/accounts/login/", "Logg inn"),
        ("/accounts/password/reset/", "Tilbakestilling av passord"),
    ],
)
def test_account_pages_write_sentence_case(new_page, path, heading):
    page = new_page()

    page.goto(path)

    assert page.locator("h1").inner_text() == heading
    texts = page.locator("main h1, main h2, main label, main button, main a").all_inner_texts()
    title_case = [text for text in texts if TITLE_CASE.match(text.strip())]
    assert not title_case, f"Title Case on {path}: {title_case}"
