"""The Content-Security-Policy in Chromium: pages that run our JavaScript (the CPV picker, print
buttons) and the Wagtail admin load without a single ``securitypolicyviolation``, and the
scripts still work under the policy."""

from __future__ import annotations

import pytest

from tests.conftest import with_totp
from tests.factories import NeedFactory, UserFactory, cpv_code, make_story
from tests.factories.pages import make_home_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script: records every CSP violation and every print() call.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__csp.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + (event.sourceFile || "") + ":" + (event.lineNumber || 0));
});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
"""


@pytest.fixture
def watched(new_page):
    """``watched(user=...)``: a page that records CSP violations and console complaints."""
    complaints = []

    def make(**kwargs):
        page = new_page(**kwargs)
        page.add_init_script(WATCH)
        page.on(
            "console",
            lambda message: (
                complaints.append(message.text)
                if "Content Security Policy" in message.text or "Permissions-Policy" in message.text
                else None
            ),
        )
        return page

    make.complaints = complaints
    return make


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response.status == 200, path
    policy = response.headers["content-security-policy"]
    # our strict policy (a nonce only where the page has inline code: ADR 0014), not the admin's
    assert "'unsafe-inline'" not in policy or path.startswith("/cms-")
    page.wait_for_load_state("load")


def assert_no_violations(page, complaints) -> None:
    violations = page.evaluate("window.__csp")
    assert violations == [], f"{page.url}: {violations}"
    assert complaints == [], complaints


def test_public_pages_load_without_violations(watched):
    make_home_page()
    story = make_story()
    page = watched()

    for path in ["/", "/en/", story.url, "/konkurranser/", "/accounts/login/"]:
        visit(page, path)
        assert_no_violations(page, watched.complaints)


def test_the_cpv_picker_starts_and_works_under_the_policy(watched, supplier, supplier_admin):
    cpv_code("72212000", "Programming services of application software", "Programmering")
    page = watched(user=supplier_admin)

    visit(page, f"/en/organisasjoner/{supplier.slug}/profil/")
    combobox = page.locator("[role=combobox]")
    assert combobox.count() == 1  # the picker's script ran
    combobox.fill("722")
    page.locator("[role=listbox] [role=option]").first.wait_for()  # it called /api/cpv/

    assert_no_violations(page, watched.complaints)


def test_the_print_button_works_from_its_static_file(
    watched, buyer, buyer_unit, procurement_officer
):
    need = NeedFactory(buyer=buyer, unit=buyer_unit, open=True)
    page = watched(user=procurement_officer)

    visit(page, "/innkjop/konkurranser/ny/")
    assert page.locator("[role=combobox]").count() >= 1
    visit(page, f"/innkjop/behov/{need.slug}/dialog/")
    page.locator("button[data-print]").click()

    assert page.evaluate("window.__printed") == 1
    assert_no_violations(page, watched.complaints)


def test_the_wagtail_admin_works_under_its_own_policy(watched):
    home = make_home_page()
    # Transactional tests lose the migrations' groups; an administrator sees the same admin.
    admin = with_totp(
        UserFactory(email="redaktor@pilotmarked.test", is_staff=True, is_superuser=True)
    )
    page = watched(user=admin)

    visit(page, "/cms-admin/")
    visit(page, f"/cms-admin/pages/{home.pk}/edit/")
    page.locator("form#page-edit-form").wait_for()

    assert_no_violations(page, watched.complaints)
