"""WCAG 2.1 A/AA checks (axe-core) on the buyer's opening protocol, scoring form and evaluation
report, in Bokmål and English."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.models import Role
from tests.factories import SupplierFactory, TenderFactory
from tests.factories.bid_evaluation import buyer_user, submitted_bid

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PREFIXES = ["", "/en"]


@pytest.fixture
def evaluation(buyer, buyer_unit, procurement_officer):
    from bids.services import evaluation, opening

    tender = TenderFactory(
        buyer=buyer, unit=buyer_unit, closed=True, lots=2, criteria=[60, 40], title="Skoleskyss"
    )
    lots = list(tender.lots.order_by("number"))
    criteria = list(tender.criteria.order_by("order"))
    partner = SupplierFactory(name="Vei og Sensor AS")
    bid_a = submitted_bid(
        tender,
        SupplierFactory(name="Fjordlys Teknologi AS"),
        prices={lots[0]: Decimal("900000"), lots[1]: Decimal("450000")},
        documents=[("tilbud.pdf", b"%PDF-1.4 tilbud")],
        consortium=[partner],
    )
    bid_b = submitted_bid(
        tender, SupplierFactory(name="Nordlys Data AS"), prices={lots[0]: Decimal("800000")}
    )
    opener = buyer_user(buyer, Role.BID_OPENER, unit=buyer_unit)
    evaluator = buyer_user(buyer, Role.EVALUATOR, unit=buyer_unit)
    opening.opening_start(tender=tender, by=opener)
    evaluation.evaluator_assign(tender=tender, user=evaluator, by=procurement_officer)
    for bid in (bid_a, bid_b):
        evaluation.qualification_assess(bid=bid, by=procurement_officer, result="qualified")
        for criterion in criteria:
            evaluation.score_set(
                bid=bid, lot=lots[0], criterion=criterion, by=evaluator, points="7", comment="Ok"
            )
            evaluation.consensus_set(
                bid=bid,
                lot=lots[0],
                criterion=criterion,
                by=procurement_officer,
                points="7.5",
                rationale="Samlet vurdering.",
            )
    return {"tender": tender, "bid": bid_b, "evaluator": evaluator}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_protocol_has_no_wcag_violations(
    new_page, assert_accessible, evaluation, procurement_officer, prefix
):
    page = new_page(user=procurement_officer)
    ref = evaluation["tender"].reference
    response = page.goto(f"{prefix}/innkjop/konkurranser/{ref}/tilbud/protokoll/")
    assert response.status == 200
    assert page.get_by_text("Vei og Sensor AS").count() >= 1
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_scoring_form_has_no_wcag_violations(new_page, assert_accessible, evaluation, prefix):
    page = new_page(user=evaluation["evaluator"], width=375)
    ref, bid = evaluation["tender"].reference, evaluation["bid"]
    url = f"{prefix}/innkjop/konkurranser/{ref}/evaluering/tilbud/{bid.public_id}/poeng/"
    response = page.goto(url)
    assert response.status == 200
    assert_accessible(page)
    # with a field error shown
    page.locator("input[type=number]").first.fill("11")
    page.locator("main form button[type=submit]").last.click()
    assert page.locator(".ds-validation-message").count() >= 1
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_evaluation_report_has_no_wcag_violations(
    new_page, assert_accessible, evaluation, procurement_officer, prefix
):
    page = new_page(user=procurement_officer)
    ref = evaluation["tender"].reference
    response = page.goto(f"{prefix}/innkjop/konkurranser/{ref}/evaluering/rapport/")
    assert response.status == 200
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_sealed_page_has_no_wcag_violations(new_page, assert_accessible, buyer, buyer_unit, prefix):
    tender = TenderFactory(buyer=buyer, unit=buyer_unit, closed=True, lots=1)
    opener = buyer_user(buyer, Role.BID_OPENER, unit=buyer_unit)
    page = new_page(user=opener)
    response = page.goto(f"{prefix}/innkjop/konkurranser/{tender.reference}/tilbud/")
    assert response.status == 200
    assert_accessible(page)
