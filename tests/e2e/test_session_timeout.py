"""The idle-session warning in Chromium (WCAG 2.2.1): it opens before the session ends as a modal
alert dialog with focus on "Stay logged in", staying logged in keeps what was typed and returns
focus, and at expiry the dialog says so and offers to log in again. Short limits stand in for
the 30 minutes."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer(db, buyer, buyer_unit):
    from marketplace.models import Role
    from tests.conftest import with_totp
    from tests.factories import MembershipFactory, UserFactory

    user = with_totp(UserFactory(email="tidsavbrudd@afk.test"))
    MembershipFactory(user=user, organisation=buyer, role=Role.PROCUREMENT_OFFICER, unit=buyer_unit)
    return user


def test_the_warning_lets_the_person_stay_without_losing_input(
    settings, new_page, officer, assert_accessible
):
    settings.SESSION_IDLE_TIMEOUT_STAFF = 120
    settings.SESSION_IDLE_WARNING = 105  # the warning opens 15 s after login
    page = new_page(user=officer)
    page.goto("/en/sok/")
    field = page.locator("input[name=q]").first
    field.fill("sensorer i veien")
    field.focus()

    dialog = page.locator("dialog#session-timeout")
    dialog.wait_for(state="visible", timeout=30_000)

    assert dialog.get_attribute("role") == "alertdialog"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Stay logged in"
    assert_accessible(page)
    page.get_by_role("button", name="Stay logged in").click()
    dialog.wait_for(state="hidden")
    assert field.input_value() == "sensorer i veien"
    assert page.evaluate("document.activeElement.name") == "q"


def test_at_expiry_the_dialog_offers_to_log_in_again(settings, new_page, officer):
    settings.SESSION_IDLE_TIMEOUT_STAFF = 3
    settings.SESSION_IDLE_WARNING = 2
    page = new_page(user=officer)
    page.goto("/en/sok/")

    login = page.get_by_role("link", name="Log in again")
    login.wait_for(state="visible", timeout=20_000)

    assert page.evaluate("document.activeElement.textContent.trim()") == "Log in again"
    assert login.get_attribute("href").endswith("?next=/en/sok/")
    page.goto("/en/sok/")  # the server ended the session too
    assert "/accounts/login/" in page.url
