"""axe (WCAG 2.1 A/AA) on the pilot pages in Bokmål and English: the list with the county's
overview, a running pilot with its forms, an ended pilot with the decision form, the create form,
and the supplier's view."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from pilots.models import Pilot, PilotEntry
from tests.factories import TenderFactory
from tests.factories.pilots import KpiFactory, MilestoneFactory, PilotFactory, make_award

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PREFIXES = ["", "/en"]


def _pilot(buyer, unit, supplier, status=Pilot.Status.RUNNING, **fields):
    tender = TenderFactory(buyer=buyer, unit=unit, in_evaluation=True, is_pilot=True)
    pilot = PilotFactory(
        award=make_award(tender=tender, supplier=supplier), status=status, **fields
    )
    MilestoneFactory(pilot=pilot, title="Montering", completed_on=datetime.date(2026, 1, 20))
    MilestoneFactory(pilot=pilot, title="Sluttrapport")
    KpiFactory(pilot=pilot, name="Oppetid", unit="%", target=Decimal(99), measured=Decimal("99.5"))
    KpiFactory(pilot=pilot, name="Ventetid", unit="min", direction="lower", target=Decimal(5))
    PilotEntry.objects.create(pilot=pilot, kind="note", text="Første uke gikk fint.")
    return pilot


@pytest.mark.parametrize("prefix", PREFIXES)
def test_pilot_list_has_no_wcag_violations(
    new_page, assert_accessible, procurement_officer, buyer, buyer_unit, supplier, prefix
):
    _pilot(buyer, buyer_unit, supplier)
    _pilot(
        buyer,
        buyer_unit,
        supplier,
        status=Pilot.Status.DECIDED,
        outcome="scaled_up",
        outcome_reason="Nådde målene.",
        decided_at=timezone.now(),
        contract_value=Decimal(3_000_000),
    )
    make_award(
        tender=TenderFactory(buyer=buyer, unit=buyer_unit, in_evaluation=True, is_pilot=True),
        supplier=supplier,
    )
    page = new_page(user=procurement_officer)

    response = page.goto(f"{prefix}/piloter/")

    assert response.status == 200
    assert page.locator("#outcome-overview").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("status", [Pilot.Status.RUNNING, Pilot.Status.ENDED])
def test_pilot_page_for_the_buyer_has_no_wcag_violations(
    new_page, assert_accessible, procurement_officer, buyer, buyer_unit, supplier, status, prefix
):
    pilot = _pilot(buyer, buyer_unit, supplier, status=status)
    page = new_page(user=procurement_officer, width=375)

    response = page.goto(f"{prefix}/piloter/{pilot.public_id}/")

    assert response.status == 200
    for details in page.locator("main details").all():
        details.locator(":scope > summary").click()  # check the forms inside, too
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_decision_form_with_errors_has_no_wcag_violations(
    new_page, assert_accessible, procurement_officer, buyer, buyer_unit, supplier, prefix
):
    pilot = _pilot(buyer, buyer_unit, supplier, status=Pilot.Status.ENDED)
    page = new_page(user=procurement_officer)
    page.goto(f"{prefix}/piloter/{pilot.public_id}/")

    page.locator("section[aria-labelledby=decision-heading] button[type=submit]").click()

    assert page.locator(".ds-error-summary").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_pilot_page_for_the_supplier_and_create_form_have_no_wcag_violations(
    new_page,
    assert_accessible,
    procurement_officer,
    supplier_admin,
    buyer,
    buyer_unit,
    supplier,
    prefix,
):
    pilot = _pilot(buyer, buyer_unit, supplier)
    page = new_page(user=supplier_admin)
    assert page.goto(f"{prefix}/piloter/{pilot.public_id}/").status == 200
    assert_accessible(page)

    award = make_award(
        tender=TenderFactory(buyer=buyer, unit=buyer_unit, in_evaluation=True, is_pilot=True),
        supplier=supplier,
    )
    page = new_page(user=procurement_officer)
    assert page.goto(f"{prefix}/piloter/ny/{award.pk}/").status == 200
    assert_accessible(page)
