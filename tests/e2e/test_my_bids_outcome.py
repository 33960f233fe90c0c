""" "My bids" in Chromium after an award: the winner sees the standstill period and reaches the
award letter in one click, the other bidder sees "not won"; WCAG 2.1 A/AA on both pages."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from bids.models import AwardDecision, AwardLetter
from marketplace.models import Role
from tests.factories import SupplierFactory, TenderFactory
from tests.factories.bid_evaluation import buyer_user, submitted_bid, supplier_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_my_bids_shows_the_outcome_and_links_the_award_letter(
    new_page, assert_accessible, buyer, buyer_unit
):
    # given an awarded one-lot tender (the award's rows as the award service writes them)
    tender = TenderFactory(buyer=buyer, unit=buyer_unit, in_evaluation=True, lots=1)
    lot = tender.lots.get()
    winner = SupplierFactory(name="Fjordlys Teknologi AS")
    loser = SupplierFactory(name="Nordlys Data AS")
    winning, losing = submitted_bid(tender, winner), submitted_bid(tender, loser)
    officer = buyer_user(buyer, Role.PROCUREMENT_OFFICER, unit=buyer_unit)
    now = timezone.now()
    decision = AwardDecision.objects.create(
        tender=tender,
        lot=lot,
        bid=winning,
        reasons="Best forhold mellom pris og kvalitet.",
        decided_by=officer,
        decided_at=now,
        standstill_ends_at=now + datetime.timedelta(days=10),
    )
    AwardLetter.objects.create(decision=decision, bid=winning, kind=AwardLetter.Kind.WINNER)
    AwardLetter.objects.create(decision=decision, bid=losing, kind=AwardLetter.Kind.UNSUCCESSFUL)
    tender.status = tender.Status.AWARDED
    tender.save()

    # when the winner opens "My bids"
    page = new_page(user=supplier_user(winner, "post@fjordlys.test"))
    page.goto("/tilbud/")
    row = page.get_by_role("row").filter(has_text=tender.reference)
    assert row.locator("[data-outcome='standstill']").is_visible()
    assert_accessible(page)
    # then the award letter is one click away
    row.get_by_role("link", name="Tildelingsbrev").click()
    page.wait_for_url(f"**/tilbud/{winning.public_id}/tildeling/")
    assert_accessible(page)

    # and the other bidder reads "not won"
    other = new_page(user=supplier_user(loser, "post@nordlys.test"))
    other.goto("/tilbud/")
    assert other.locator("[data-outcome='not_won']").is_visible()
    assert_accessible(other)
