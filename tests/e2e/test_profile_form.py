"""A supplier fills in its profile with the CPV picker using only the keyboard; the profile form
has no WCAG 2.1 A/AA violations (axe-core) in Bokmål and English."""

from __future__ import annotations

import pytest

from marketplace.models import SupplierProfile
from tests.factories import cpv_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def codes():
    cpv_code("72000000", "IT services", "IT-tjenester")
    return cpv_code(
        "72212000",
        "Programming services of application software",
        "Programmering i forbindelse med applikasjonsprogramvare",
    )


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_profile_form_has_no_wcag_violations(
    new_page, assert_accessible, supplier, supplier_admin, codes, prefix
):
    page = new_page(user=supplier_admin)

    response = page.goto(f"{prefix}/organisasjoner/{supplier.slug}/profil/")

    assert response.status == 200
    assert page.locator("[role=combobox]").count() == 1  # the picker has started
    assert_accessible(page)


def test_supplier_picks_a_cpv_code_by_keyboard_and_saves(
    new_page, assert_accessible, supplier, supplier_admin, codes
):
    page = new_page(user=supplier_admin)
    page.goto(f"/en/organisasjoner/{supplier.slug}/profil/")
    combobox = page.locator("[role=combobox]")

    # Reach the picker with Tab from the field before it, as a keyboard user would.
    combobox.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "combobox"

    page.keyboard.type("application software")
    page.locator("[role=listbox] [role=option]").first.wait_for()
    assert combobox.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert combobox.get_attribute("aria-activedescendant")
    page.keyboard.press("Enter")

    # the choice is a removable chip and is announced
    chip = page.get_by_role("button", name="Remove 72212000 Programming services", exact=False)
    chip.wait_for()
    assert "72212000" in page.locator(".cpv-picker [role=status]").inner_text()
    assert_accessible(page)

    # save with the keyboard
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Save profile").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert not page.locator(".ds-error-summary").count(), page.locator(
        ".ds-error-summary"
    ).inner_text()

    profile = SupplierProfile.objects.get(organisation=supplier)
    assert list(profile.cpv_codes.values_list("code", flat=True)) == ["72212000"]
