"""A supplier completes its ESPD in a bid in the browser: the last unanswered exclusion ground is
answered on the ESPD page, the ESPD turns complete and the bid can be submitted; the pages have
no WCAG violations (Bokmål and English)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bids.espd.services import (
    espd_request_set,
    espd_response_save,
    request_criteria,
    request_for,
    response_content_or_prefill,
)
from bids.models import EspdResponse
from marketplace.models import Role
from tenders.models import Tender
from tests.bids.espd.conftest import complete_answers
from tests.factories import BuyerFactory, TenderFactory
from tests.factories.bid_evaluation import buyer_user
from tests.factories.bids import draft_bid, supplier_member
from tests.factories.espd import default_espd_criteria

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _espd_tender() -> Tender:
    buyer = BuyerFactory(name="Akershus fylkeskommune")
    tender = TenderFactory(buyer=buyer, threshold_band="eea", title="Ladestasjoner i Akershus")
    officer = buyer_user(buyer, Role.PROCUREMENT_OFFICER, unit=tender.unit, email="o@afk.test")
    espd_request_set(tender=tender, criteria=default_espd_criteria(), by=officer)
    Tender.objects.filter(pk=tender.pk).update(
        status=Tender.Status.PUBLISHED, published_at=timezone.now() - datetime.timedelta(days=1)
    )
    tender.refresh_from_db()
    return tender


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_supplier_completes_its_espd_and_submits(new_page, assert_accessible, prefix):
    # given: a draft whose ESPD is answered but for the first exclusion ground
    tender = _espd_tender()
    user = supplier_member()
    bid = draft_bid(tender=tender, by=user)
    supplier = bid.supplier
    criteria = request_criteria(request_for(tender))
    content = response_content_or_prefill(bid, supplier)
    content.answers = {
        key: value
        for key, value in complete_answers(criteria, content.answers).items()
        if not key.startswith("C1_EG_crime-org/QG1/")
    }
    espd_response_save(bid=bid, organisation=supplier, content=content, by=user)
    assert not EspdResponse.objects.get(bid=bid).is_complete
    page = new_page(user=user)
    # when
    response = page.goto(f"{prefix}/tilbud/{bid.public_id}/espd/{supplier.pk}/")
    assert response.status == 200
    assert_accessible(page)
    page.locator('input[name="c0q0"][value="false"]').check()
    page.locator("main form.espd-form button[type=submit]").click()
    # then
    page.wait_for_url(f"**/tilbud/{bid.public_id}/espd/")
    assert EspdResponse.objects.get(bid=bid).is_complete
    assert_accessible(page)
    page.goto(f"{prefix}/tilbud/{bid.public_id}/send-inn/")
    page.locator("main form.buyer-actions button[type=submit]").click()
    page.wait_for_url(f"**/tilbud/{bid.public_id}/kvittering/")
    bid.refresh_from_db()
    assert bid.status == "submitted"
