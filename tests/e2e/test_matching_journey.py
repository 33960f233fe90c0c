"""Matching in a browser: a startup saves a search, an officer publishes a matching tender, and
the startup sees the alert with the explanation; the match and saved-search pages pass axe."""

from __future__ import annotations

import pytest

from marketplace.models import Notification
from matching.models import Alert
from tests.factories import ListedSupplierProfileFactory, TenderFactory, cpv_code, municipality

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def codes(db):
    return {
        "72000000": cpv_code("72000000", "IT services", "IT-tjenester"),
        "72200000": cpv_code(
            "72200000",
            "Software programming and consultancy services",
            "Programmering av programvare og rådgivning",
        ),
        "72212000": cpv_code(
            "72212000", "Programming services of application software", "Programmeringstjenester"
        ),
    }


@pytest.fixture
def startup(supplier, codes):
    baerum = municipality("3201", "Bærum")
    return ListedSupplierProfileFactory(
        organisation=supplier,
        cpv_codes=[codes["72000000"]],
        delivery_municipalities=[baerum],
        employee_band="1-9",
        stage="startup",
    )


def test_startup_saves_a_search_officer_publishes_startup_sees_why(
    new_page,
    assert_accessible,
    startup,
    supplier_admin,
    procurement_officer,
    buyer,
    buyer_unit,
    codes,
):
    # The startup saves a search for IT services.
    page = new_page(user=supplier_admin)
    page.goto("/en/muligheter/sok/")
    assert_accessible(page)
    page.fill("#id_name", "IT for the county")
    page.fill("#id_cpv_codes", "72000000")
    page.get_by_role("button", name="Save the search").click()
    page.wait_for_url("**/en/muligheter/sok/")
    assert page.get_by_test_id("saved-search").count() == 1
    assert_accessible(page)

    # An officer publishes a tender under 72212000.
    tender = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        main_cpv=codes["72212000"],
        title="New app for school transport",
    )
    officer = new_page(user=procurement_officer)
    officer.goto(f"/en/innkjop/konkurranser/{tender.reference}/")
    officer.get_by_role("button", name="Publish", exact=True).click()
    officer.wait_for_load_state()
    tender.refresh_from_db()
    assert tender.status == "published"
    assert Alert.objects.filter(object_id=tender.pk, notified_at__isnull=False).count() == 1
    assert Notification.objects.filter(recipient=supplier_admin, kind="search_alerts").count() == 1

    # The officer sees the startup among the matching suppliers, explained.
    officer.goto(f"/en/innkjop/konkurranser/{tender.reference}/leverandorer/")
    match = officer.get_by_test_id("match").first
    assert "Fjordlys Teknologi AS" in match.inner_text()
    assert "Shares CPV group 722" in match.inner_text()
    assert_accessible(officer)

    # The startup sees the alert and why it matches.
    page.goto("/en/muligheter/varsler/")
    alert = page.get_by_test_id("alert").first
    assert "New app for school transport" in alert.inner_text()
    assert "Shares CPV group 722 — Software programming and consultancy services" in (
        alert.inner_text()
    )
    assert_accessible(page)

    # And among its opportunities.
    page.goto("/en/muligheter/")
    assert "New app for school transport" in page.get_by_test_id("opportunity").first.inner_text()
    assert_accessible(page)
