"""WCAG 2.1 A/AA checks (axe-core) on the buyer's tender pages, the need form, the public needs
and the test arenas, in Bokmål and English; and the single-choice CPV picker in a browser."""

from __future__ import annotations

import pytest

from tests.factories import cpv_code, municipality
from tests.factories.tenders import (
    AmendmentFactory,
    LotFactory,
    NeedFactory,
    QualificationRequirementFactory,
    QuestionFactory,
    TenderDocumentFactory,
    TenderFactory,
    TestArenaFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PREFIXES = ["", "/en"]


def _published_tender(buyer, unit):
    asker = municipality("3203", "Asker")
    tender = TenderFactory(
        buyer=buyer,
        unit=unit,
        published=True,
        title="Vintervedlikehold av fylkesveier",
        main_cpv=cpv_code("90620000", "Snow-clearing services", "Snørydding"),
        municipalities=[asker],
        criteria=[70, 30],
    )
    LotFactory(tender=tender, number=1, title="Nord", suitable_for_smb=True, municipalities=[asker])
    LotFactory(tender=tender, number=2, title="Sør")
    QualificationRequirementFactory(tender=tender)
    TenderDocumentFactory(tender=tender)
    AmendmentFactory(
        tender=tender,
        number=1,
        changes={"joint_bids_allowed": {"before": True, "after": False}},
    )
    QuestionFactory(tender=tender, answered=True)
    QuestionFactory(tender=tender)
    return tender


def _open_need(buyer, unit, **kwargs):
    return NeedFactory(
        buyer=buyer,
        unit=unit,
        open=True,
        pilot=True,
        title="Smartere skoleskyss",
        cpv_codes=[cpv_code("60130000", "Special-purpose road passenger-transport services")],
        municipalities=[municipality("3203", "Asker")],
        **kwargs,
    )


@pytest.mark.parametrize("prefix", PREFIXES)
def test_tender_form_has_no_wcag_violations(
    new_page, assert_accessible, procurement_officer, buyer_unit, prefix
):
    cpv_code("72000000", "IT services", "Datatjenester")
    page = new_page(user=procurement_officer)

    response = page.goto(f"{prefix}/innkjop/konkurranser/ny/")

    assert response.status == 200
    assert page.locator("[role=combobox]").count() == 3  # main, additional and a lot's codes
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_tender_form_with_errors_has_no_wcag_violations(
    new_page, assert_accessible, procurement_officer, buyer_unit, prefix
):
    page = new_page(user=procurement_officer, width=375)
    page.goto(f"{prefix}/innkjop/konkurranser/ny/")
    page.fill("#id_criteria-0-weight", "500")
    page.fill("#id_lots-0-description", "Uten tittel")

    page.locator("form.tender-form button[type=submit]").first.click()
    page.wait_for_load_state()

    assert page.locator(".ds-validation-message").count() >= 3
    assert page.locator("#id_title").get_attribute("aria-invalid") == "true"
    assert_accessible(page)


def test_tender_edit_form_with_lots_has_no_wcag_violations(
    new_page, assert_accessible, procurement_officer, buyer, buyer_unit
):
    tender = _published_tender(buyer, buyer_unit)
    page = new_page(user=procurement_officer)

    page.goto(f"/en/innkjop/konkurranser/{tender.reference}/rediger/")

    assert page.locator("[role=combobox]").count() == 5  # main, additional, three lots
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_workspace_has_no_wcag_violations(
    new_page, assert_accessible, procurement_officer, buyer, buyer_unit, prefix
):
    _published_tender(buyer, buyer_unit)
    TenderFactory(buyer=buyer, unit=buyer_unit, title="Utkast: ladestasjoner")
    _open_need(buyer, buyer_unit)
    page = new_page(user=procurement_officer)

    response = page.goto(f"{prefix}/innkjop/")

    assert response.status == 200
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_buyer_tender_page_has_no_wcag_violations(
    new_page, assert_accessible, procurement_officer, buyer, buyer_unit, prefix
):
    tender = _published_tender(buyer, buyer_unit)
    page = new_page(user=procurement_officer)

    response = page.goto(f"{prefix}/innkjop/konkurranser/{tender.reference}/")

    assert response.status == 200
    assert_accessible(page)


def test_buyer_draft_page_has_no_wcag_violations(
    new_page, assert_accessible, procurement_officer, buyer, buyer_unit
):
    draft = TenderFactory(buyer=buyer, unit=buyer_unit, title="Utkast: ladestasjoner", lots=2)
    TenderDocumentFactory(tender=draft)
    page = new_page(user=procurement_officer, width=375)

    response = page.goto(f"/innkjop/konkurranser/{draft.reference}/")

    assert response.status == 200
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_need_form_has_no_wcag_violations(
    new_page, assert_accessible, procurement_officer, buyer, buyer_unit, prefix
):
    TestArenaFactory(owner=buyer, name="Skolene i Asker", name_en="Schools in Asker")
    page = new_page(user=procurement_officer)

    response = page.goto(f"{prefix}/innkjop/behov/ny/")

    assert response.status == 200
    assert page.locator("[role=combobox]").count() == 1  # the CPV picker
    assert_accessible(page)


def test_need_form_with_errors_has_no_wcag_violations(
    new_page, assert_accessible, procurement_officer, buyer_unit
):
    page = new_page(user=procurement_officer, width=375)
    page.goto("/en/innkjop/behov/ny/")
    page.fill("#id_budget_min", "900")
    page.fill("#id_budget_max", "100")

    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()

    assert page.locator(".ds-validation-message").count() >= 2
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_public_needs_have_no_wcag_violations(
    new_page, assert_accessible, buyer, buyer_unit, prefix
):
    need = _open_need(buyer, buyer_unit)
    NeedFactory(buyer=buyer, unit=buyer_unit, open=True, title="Renere luft i klasserommet")
    page = new_page()

    response = page.goto(f"{prefix}/behov/")
    assert response.status == 200
    assert_accessible(page)

    response = page.goto(f"{prefix}/behov/{need.slug}/")
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_need_page_for_a_supplier_has_no_wcag_violations(
    new_page, assert_accessible, supplier_admin, buyer, buyer_unit
):
    need = _open_need(buyer, buyer_unit)
    page = new_page(user=supplier_admin)

    page.goto(f"/en/behov/{need.slug}/")

    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_test_arenas_have_no_wcag_violations(new_page, assert_accessible, buyer, prefix):
    arena = TestArenaFactory(owner=buyer, name="Skolene i Asker", name_en="Schools in Asker")
    TestArenaFactory(owner=buyer, name="Fylkesveiene", name_en="County roads")
    page = new_page()

    response = page.goto(f"{prefix}/testarenaer/")
    assert response.status == 200
    assert_accessible(page)

    response = page.goto(f"{prefix}/testarenaer/{arena.slug}/")
    assert response.status == 200
    assert_accessible(page)


def test_main_cpv_picker_replaces_the_chosen_code(
    new_page, assert_accessible, procurement_officer, buyer_unit
):
    cpv_code("90620000", "Snow-clearing services", "Snørydding")
    cpv_code("90630000", "Ice-clearing services", "Isrydding")
    page = new_page(user=procurement_officer)
    page.goto("/en/innkjop/konkurranser/ny/")
    combobox = page.get_by_role("combobox", name="Main CPV code")
    listbox = "#" + combobox.get_attribute("aria-controls")

    for code in ("90620000", "90630000"):
        combobox.fill(code)
        page.wait_for_selector(f"{listbox} [role=option]:has-text('{code}')")
        combobox.press("ArrowDown")
        combobox.press("Enter")
        # a single choice: the list closes and the text box is ready for another search
        assert combobox.get_attribute("aria-expanded") == "false"
        assert combobox.input_value() == ""

    assert page.eval_on_selector("select[name=main_cpv]", "s => s.value") == "90630000"
    chips = page.locator("select[name=main_cpv] ~ .cpv-picker__chips button")
    assert chips.all_inner_texts() == ["90630000 Ice-clearing services"]
    assert_accessible(page)

    chips.first.click()

    assert page.eval_on_selector("select[name=main_cpv]", "s => s.value") == ""
    assert page.locator("select[name=main_cpv] ~ .cpv-picker__chips").inner_text() == (
        "No CPV code selected."
    )
