"""WCAG 2.1 A/AA checks (axe-core) on the pages everyone meets first, in both languages."""

from __future__ import annotations

import pytest

from tests.factories.pages import make_home_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/en/",
        "/accounts/login/",
        "/en/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/finnes-ikke/",
        "/en/does-not-exist/",
    ],
)
def test_public_pages_have_no_wcag_violations(new_page, assert_accessible, path):
    make_home_page()
    page = new_page()

    response = page.goto(path)

    assert response.status == (404 if "finnes" in path or "does-not" in path else 200)
    assert_accessible(page)


def test_signup_form_with_errors_has_no_wcag_violations(new_page, assert_accessible):
    page = new_page()
    page.goto("/accounts/signup/")

    page.fill("#id_email", "not-an-address")
    page.fill("#id_full_name", "Kari Nordmann")
    page.fill("#id_password1", "short")
    page.fill("#id_password2", "different")
    # Skip the browser's own validation so that the server's error messages are shown.
    page.eval_on_selector("form[action='/accounts/signup/']", "form => form.noValidate = true")
    page.click("main button[type=submit]")

    assert page.locator(".ds-error-summary").is_visible()
    # site.js moves focus to the error summary
    assert page.evaluate("document.activeElement.classList.contains('ds-error-summary')")
    assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    ["/min-side/", "/en/min-side/", "/accounts/2fa/", "/accounts/email/", "/accounts/sessions/"],
)
def test_supplier_pages_have_no_wcag_violations(new_page, assert_accessible, supplier_admin, path):
    page = new_page(user=supplier_admin)

    page.goto(path)

    assert page.locator("h1").count() == 1
    assert_accessible(page)
