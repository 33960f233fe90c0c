"""WCAG 2.1 A/AA checks (axe-core) on the bidding side: the bid form (clean and with errors),
the bid's page, the documents page and the receipt, in Bokmål and English."""

from __future__ import annotations

import pytest

from bids.services import consortium as consortium_services
from tests.factories import SupplierFactory
from tests.factories.bids import (
    MINIMAL_PDF,
    draft_bid,
    submitted_bid,
    supplier_member,
    tender_ready_for_bids,
)
from tests.factories.tenders import CriterionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PREFIXES = ["", "/en"]


def _tender():
    tender = tender_ready_for_bids(lots=2, requirements=2, title="Smart gatelys i Asker")
    CriterionFactory(tender=tender, order=1, name="Pris", weight=40)
    return tender


@pytest.mark.parametrize("prefix", PREFIXES)
def test_bid_form_has_no_wcag_violations(new_page, assert_accessible, prefix):
    tender = _tender()
    user = supplier_member()
    bid = draft_bid(tender=tender, by=user)
    page = new_page(user=user)

    response = page.goto(f"{prefix}/tilbud/{bid.public_id}/rediger/")

    assert response.status == 200
    assert page.locator("textarea").count() >= 4
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_bid_form_with_errors_has_no_wcag_violations(new_page, assert_accessible, prefix):
    tender = _tender()
    user = supplier_member()
    bid = draft_bid(tender=tender, by=user)
    page = new_page(user=user, width=375)
    page.goto(f"{prefix}/tilbud/{bid.public_id}/rediger/")
    lot = tender.lots.order_by("number").first()

    page.locator(f"#id_lot_{lot.pk}").uncheck()
    page.locator(f"#id_price_{lot.pk}").fill("1000")
    page.locator("main form button[type=submit][data-variant=primary]").click()

    assert page.locator(".ds-error-summary").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_bid_page_documents_and_receipt_have_no_wcag_violations(
    new_page, assert_accessible, prefix
):
    tender = _tender()
    user = supplier_member()
    bid = submitted_bid(tender=tender, by=user, documents=[("tilbud.pdf", MINIMAL_PDF)])
    page = new_page(user=user)

    for path in ("", "dokumenter/", "kvittering/"):
        response = page.goto(f"{prefix}/tilbud/{bid.public_id}/{path}")
        assert response.status == 200, path
        assert_accessible(page)
    assert page.get_by_text(bid.receipt_code).first.is_visible()


@pytest.mark.parametrize("prefix", PREFIXES)
def test_receipt_reflows_at_320_px(new_page, assert_accessible, prefix):
    """WCAG 1.4.10: the SHA-256 tables scroll in their own keyboard-reachable region."""
    user = supplier_member()
    bid = submitted_bid(tender=_tender(), by=user, documents=[("tilbud.pdf", MINIMAL_PDF)])
    page = new_page(user=user, width=320, height=640)

    page.goto(f"{prefix}/tilbud/{bid.public_id}/kvittering/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    region = page.locator("main .table-scroll").first
    assert region.get_attribute("tabindex") == "0"
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "the hashes scroll inside"
    assert_accessible(page)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_draft_joint_bid_pages_have_no_wcag_violations(new_page, assert_accessible, prefix):
    tender = _tender()
    user = supplier_member()
    bid = draft_bid(tender=tender, by=user)
    partner = SupplierFactory(name="Vei og Data AS")
    partner_admin = supplier_member(partner)
    consortium_services.consortium_invite(bid=bid, by=user, org_number=partner.org_number)
    lead_page = new_page(user=user)
    for path in ("", "konsortium/", "send-inn/", "dokumenter/"):
        response = lead_page.goto(f"{prefix}/tilbud/{bid.public_id}/{path}")
        assert response.status == 200, path
        assert_accessible(lead_page)
    partner_page = new_page(user=partner_admin)
    partner_page.goto(f"{prefix}/tilbud/{bid.public_id}/")
    assert_accessible(partner_page)
    lists = new_page(user=partner_admin)
    lists.goto(f"{prefix}/tilbud/")
    assert_accessible(lists)
