"""The lot-design aid on a draft tender with real counts, in a browser, in Bokmål and English:
the officer follows the link from the draft, reads who could bid, tries a limit, and saves the
reason for not dividing the purchase; every page passes axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import ListedSupplierProfileFactory, TenderFactory, cpv_code, municipality

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(buyer, buyer_unit):
    software = cpv_code("72212000", "Programming services of application software", "Programmering")
    refuse = cpv_code("90000000", "Sewage, refuse, cleaning services", "Avløp og renovasjon")
    cpv_code("72200000", "Software programming and consultancy services", "Programvare")
    baerum, asker = municipality("3201", "Bærum"), municipality("3203", "Asker")
    akershus = baerum.county
    ListedSupplierProfileFactory(
        cpv_codes=[software, refuse], delivers_nationwide=True, employee_band="250+"
    )
    ListedSupplierProfileFactory(
        cpv_codes=[software, refuse],
        delivery_counties=[akershus],
        municipality=asker,
        employee_band="1-9",
        stage="startup",
    )
    ListedSupplierProfileFactory(
        cpv_codes=[refuse], delivers_nationwide=True, employee_band="50-249"
    )
    ListedSupplierProfileFactory(
        cpv_codes=[software], delivery_municipalities=[baerum], employee_band="10-49"
    )
    return TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        title="Digital renovasjon",
        main_cpv=software,
        additional_cpv=[refuse],
        municipalities=[baerum, asker],
        estimated_value=Decimal("20000000"),
    )


def test_lot_design_aid_on_a_draft_with_real_counts(
    new_page, assert_accessible, procurement_officer, draft
):
    page = new_page(user=procurement_officer)
    page.goto(f"/en/innkjop/konkurranser/{draft.reference}/")
    page.get_by_role(
        "link", name="Lot design: who could bid, and how to divide the purchase"
    ).click()
    page.wait_for_url(f"**/{draft.reference}/inndeling/")

    whole = page.get_by_role("table", name="Suppliers that could bid on the whole purchase")
    large = whole.get_by_role("row", name="Large businesses")
    assert large.get_by_role("cell").first.inner_text() == "1"
    startups = whole.get_by_role("row", name="Startups")
    # The startup is too small for NOK 20 million alone, but can take part with others.
    assert [cell.inner_text() for cell in startups.get_by_role("cell").all()] == [
        "0",
        "0",
        "1",
        "1",
    ]
    assert page.get_by_text("Suggested:").is_visible()
    assert_accessible(page)

    page.fill("#id_max_per_bidder", "1")
    page.get_by_role("button", name="Count again").click()
    page.wait_for_url("**max_per_bidder=1**")
    assert page.get_by_text("With at most 1 lot per bidder").is_visible()

    reason = page.get_by_label("Why the purchase is not divided into lots (FOA § 19-4)")
    assert "could deliver all of it alone" in reason.input_value()
    reason.fill("The operation must be run as one service.")
    page.get_by_role("button", name="Save the reason").click()
    page.wait_for_url(f"**/{draft.reference}/inndeling/")
    history = page.get_by_role("region", name="History of the decision").or_(
        page.locator("section[aria-labelledby=history-heading]")
    )
    assert "The operation must be run as one service." in history.first.inner_text()
    assert_accessible(page)
    draft.refresh_from_db()
    assert draft.no_lots_justification == "The operation must be run as one service."


def test_lot_design_aid_in_bokmal_passes_axe(
    new_page, assert_accessible, procurement_officer, draft
):
    page = new_page(user=procurement_officer, width=375)

    response = page.goto(f"/innkjop/konkurranser/{draft.reference}/inndeling/")

    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.locator("table caption").count() >= 2
    assert_accessible(page)
