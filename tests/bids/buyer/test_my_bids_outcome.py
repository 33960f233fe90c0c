""" "My bids" tells the bidder what became of each bid after the award: in the standstill period,
won, not won (per lot while other lots wait), cancelled, with a link to the award letter."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bids.models import AwardDecision, Bid
from bids.selectors.outcomes import Outcome, bid_outcome, with_outcomes
from bids.services import award
from tenders.models import Tender
from tests.factories import TenderFactory

NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)


def _bid(tender_status=Tender.Status.IN_EVALUATION, status=Bid.Status.SUBMITTED, pk=1):
    return Bid(pk=pk, status=status, tender=TenderFactory.build(status=tender_status))


def _decision(bid_id, *, ends=NOW + datetime.timedelta(days=5), signed=None, active=True):
    return AwardDecision(
        bid_id=bid_id,
        standstill_ends_at=ends,
        contract_signed_at=signed,
        status=AwardDecision.Status.ACTIVE if active else AwardDecision.Status.WITHDRAWN,
    )


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        ([_decision(1)], Outcome.STANDSTILL),
        ([_decision(1, ends=NOW)], Outcome.WON),  # the standstill ends at its instant
        ([_decision(1, signed=NOW - datetime.timedelta(days=1))], Outcome.WON),
        ([_decision(1, active=False)], Outcome.SUBMITTED),  # an un-award is no award
        ([_decision(2)], Outcome.SUBMITTED),  # another lot's decision says nothing of this bid
        ([], Outcome.SUBMITTED),
    ],
)
def test_the_decisions_in_force_decide_won_and_standstill(decisions, expected):
    outcome = bid_outcome(_bid(), decisions=decisions, has_letters=True, now=NOW)

    assert outcome.kind == expected
    if expected == Outcome.STANDSTILL:
        assert outcome.standstill_ends_at == NOW + datetime.timedelta(days=5)


def test_not_won_once_awarded_or_on_the_lots_lost_so_far():
    awarded = bid_outcome(
        _bid(Tender.Status.AWARDED), decisions=[_decision(2)], has_letters=True, now=NOW
    )
    partly = bid_outcome(
        _bid(), decisions=[_decision(2)], has_letters=True, lost_lots={2, 1}, now=NOW
    )

    assert awarded.kind == Outcome.NOT_WON and awarded.lost_lots == ()
    assert partly.kind == Outcome.NOT_WON and partly.lost_lots == (1, 2)


def test_cancelled_and_the_bids_own_status_come_first():
    cancelled = _bid(Tender.Status.CANCELLED)
    withdrawn = _bid(status=Bid.Status.WITHDRAWN)

    assert bid_outcome(cancelled, decisions=[], has_letters=False, now=NOW).kind == "cancelled"
    assert (
        bid_outcome(withdrawn, decisions=[_decision(1)], has_letters=False, now=NOW).kind
        == Outcome.WITHDRAWN
    )


@pytest.mark.django_db
def test_my_bids_shows_standstill_and_not_won_with_the_letters(
    client, agreed, bid_a, bid_b, lots, procurement_officer, bidder_a_user, bidder_b_user
):
    # given lot 1 goes to bid B; lot 2 (bid A alone) is not decided yet
    award.award_decide(
        tender=agreed, lot=lots[0], bid=bid_b, by=procurement_officer, reasons="Best."
    )

    # then B is in the standstill period, A has lost lot 1 and waits for lot 2
    outcomes = {b.pk: b.outcome for b in with_outcomes([bid_a, bid_b], now=timezone.now())}
    assert outcomes[bid_b.pk].kind == Outcome.STANDSTILL
    assert outcomes[bid_a.pk].kind == Outcome.NOT_WON and outcomes[bid_a.pk].lost_lots == (1,)

    client.force_login(bidder_b_user)
    page = client.get(reverse("bids:supplier_bids"))
    letters = reverse("bids:supplier_award_letters", kwargs={"public_id": bid_b.public_id})
    assert page.status_code == 200
    assert b'data-outcome="standstill"' in page.content
    assert f'href="{letters}"'.encode() in page.content
    assert client.get(letters).status_code == 200

    # when lot 2 goes to A the tender is awarded: A won (standstill), the letters are linked
    award.award_decide(
        tender=agreed, lot=lots[1], bid=bid_a, by=procurement_officer, reasons="Eneste tilbud."
    )
    client.force_login(bidder_a_user)
    page = client.get(reverse("bids:supplier_bids"))
    assert b'data-outcome="standstill"' in page.content
    a_letters = reverse("bids:supplier_award_letters", kwargs={"public_id": bid_a.public_id})
    assert f'href="{a_letters}"'.encode() in page.content


@pytest.mark.django_db
def test_my_bids_reads_outcomes_in_a_fixed_number_of_queries(
    client,
    agreed,
    bid_a,
    bid_b,
    lots,
    procurement_officer,
    bidder_b_user,
    django_assert_max_num_queries,
):
    award.award_decide(
        tender=agreed, lot=lots[0], bid=bid_b, by=procurement_officer, reasons="Best."
    )
    client.force_login(bidder_b_user)

    with django_assert_max_num_queries(20):
        assert client.get(reverse("bids:supplier_bids")).status_code == 200


@pytest.mark.django_db
def test_another_supplier_cannot_read_the_letters(
    client, agreed, bid_b, lots, procurement_officer, bidder_a_user
):
    award.award_decide(
        tender=agreed, lot=lots[0], bid=bid_b, by=procurement_officer, reasons="Best."
    )
    # bidder A is not on bid B (neither lead nor consortium member)
    client.force_login(bidder_a_user)

    response = client.get(
        reverse("bids:supplier_award_letters", kwargs={"public_id": bid_b.public_id})
    )

    assert response.status_code == 404
