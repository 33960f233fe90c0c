"""WCAG 2.1 A/AA checks (axe-core) on the public opportunity listing and a tender's page."""

from __future__ import annotations

import pytest

from tests.factories import cpv_code, municipality
from tests.factories.tenders import (
    AmendmentFactory,
    LotFactory,
    QualificationRequirementFactory,
    QuestionFactory,
    TenderDocumentFactory,
    TenderFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tender_with_everything():
    asker = municipality("3203", "Asker")
    tender = TenderFactory(
        published=True,
        reference="AFK-2026-0042",
        title="Vintervedlikehold av fylkesveier",
        main_cpv=cpv_code("90620000", "Snow-clearing services", "Snørydding"),
        municipalities=[asker],
        is_pilot=True,
        pilot_duration_months=6,
        max_lots_per_bidder=1,
        criteria=[70, 30],
    )
    LotFactory(tender=tender, number=1, title="Nord", suitable_for_smb=True, municipalities=[asker])
    LotFactory(tender=tender, number=2, title="Sør")
    QualificationRequirementFactory(tender=tender)
    TenderDocumentFactory(tender=tender)
    AmendmentFactory(
        tender=tender,
        number=1,
        is_deadline_extension=True,
        changes={"joint_bids_allowed": {"before": True, "after": False}},
    )
    QuestionFactory(tender=tender, answered=True)
    TenderFactory(external=True, title="Renhold av skoler")
    return tender


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_listing_has_no_wcag_violations(new_page, assert_accessible, prefix):
    _tender_with_everything()
    page = new_page()

    response = page.goto(f"{prefix}/konkurranser/")

    assert response.status == 200
    assert page.locator("li.opportunity-card").count() == 2
    assert_accessible(page)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_listing_with_errors_and_empty_result_has_no_wcag_violations(
    new_page, assert_accessible, prefix
):
    page = new_page(width=375)

    page.goto(f"{prefix}/konkurranser/?cpv=abc&value_min=9&value_max=1")

    assert page.locator(".ds-error-summary").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_tender_page_has_no_wcag_violations(new_page, assert_accessible, supplier_admin, prefix):
    tender = _tender_with_everything()
    page = new_page(user=supplier_admin)

    response = page.goto(f"{prefix}/konkurranser/{tender.reference}/")

    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_doffin_tender_page_has_no_wcag_violations(new_page, assert_accessible, prefix):
    tender = TenderFactory(external=True, title="Renhold av skoler")
    page = new_page(width=375)

    page.goto(f"{prefix}/konkurranser/{tender.reference}/")

    assert_accessible(page)
