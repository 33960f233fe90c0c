"""Opening, evaluation and award through their services, against the real seal."""

from __future__ import annotations

import datetime
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from bids.models import AwardDecision, AwardLetter, TenderOpening
from bids.selectors.buyer import lot_results
from bids.services import award, evaluation, opening
from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import AuditEvent, Notification
from tenders.models import Tender

from .conftest import MARKER

pytestmark = pytest.mark.django_db


# --- Opening ------------------------------------------------------------------------------------


def test_opening_before_the_deadline_is_refused(buyer, buyer_unit, opener):
    from tests.factories import TenderFactory
    from tests.factories.bid_evaluation import submitted_bid

    # given a published tender whose deadline is still ahead, with a bid
    tender = TenderFactory(buyer=buyer, unit=buyer_unit, published=True, lots=1)
    submitted_bid(tender)
    # when / then
    with pytest.raises(DomainError) as error:
        opening.opening_start(tender=tender, by=opener)
    assert error.value.code == "opening_too_early"
    assert not TenderOpening.objects.filter(tender=tender).exists()


def test_opening_at_the_deadline_closes_a_published_tender(buyer, buyer_unit, opener):
    from tests.factories import TenderFactory
    from tests.factories.bid_evaluation import submitted_bid

    tender = TenderFactory(buyer=buyer, unit=buyer_unit, published=True, lots=1)
    submitted_bid(tender)
    deadline = tender.submission_deadline
    with pytest.raises(DomainError):
        opening.opening_start(
            tender=tender, by=opener, now=deadline - datetime.timedelta(seconds=1)
        )
    result = opening.opening_start(tender=tender, by=opener, now=deadline)
    tender.refresh_from_db()
    assert result.opened_at == deadline
    assert tender.status == Tender.Status.CLOSED


def test_opening_waits_for_a_later_opening_date(tender, bids, opener):
    tender.opening_at = timezone.now() + datetime.timedelta(days=1)
    tender.save()
    with pytest.raises(DomainError) as error:
        opening.opening_start(tender=tender, by=opener)
    assert error.value.code == "opening_too_early"


@pytest.mark.parametrize("who", ["procurement_officer", "evaluator", "superuser", "bidder_a_user"])
def test_only_openers_open(request, tender, bids, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        opening.opening_start(tender=tender, by=user)


def test_an_opener_of_another_unit_cannot_open(tender, bids, buyer):
    from marketplace.models import Role
    from tests.factories import OrganisationUnitFactory
    from tests.factories.bid_evaluation import buyer_user

    other = buyer_user(buyer, Role.BID_OPENER, unit=OrganisationUnitFactory(organisation=buyer))
    with pytest.raises(PermissionDenied):
        opening.opening_start(tender=tender, by=other)


def test_opening_freezes_the_protocol_and_tells_bidders(
    tender, bid_a, bid_b, lots, opener, bidder_a_user, bidder_b_user, partner_user, mailoutbox
):
    result = opening.opening_start(tender=tender, by=opener)

    protocol = result.protocol
    assert result.opened_at is not None and result.requested_by == opener
    assert protocol["bid_count"] == 2
    by_supplier = {entry["supplier"]: entry for entry in protocol["bids"]}
    a = by_supplier["Fjordlys Teknologi AS"]
    assert a["org_number"] == bid_a.supplier.org_number
    assert [member["name"] for member in a["consortium"]] == ["Vei og Sensor AS"]
    assert [(line["number"], line["price"]) for line in a["lots"]] == [
        (1, "900000"),
        (2, "450000"),
    ]
    assert a["document_count"] == 1
    assert a["documents"][0]["sha256"] == hashlib.sha256(MARKER).hexdigest()
    assert by_supplier["Nordlys Data AS"]["lots"][0]["price"] == "800000"
    assert result.protocol_sha256 == opening.protocol_sha256(protocol)
    # every bidder (lead and consortium member) is told, once
    told = set(
        Notification.objects.filter(key=f"bids:opened:{tender.pk}").values_list(
            "recipient__email", flat=True
        )
    )
    assert told == {bidder_a_user.email, bidder_b_user.email, partner_user.email}
    assert AuditEvent.objects.filter(action="bid.opened", object_id=str(result.pk)).exists()


def test_two_person_opening_needs_a_second_different_opener(tender, bids, opener, second_opener):
    tender.two_person_opening = True
    tender.save()

    pending = opening.opening_start(tender=tender, by=opener)
    assert pending.opened_at is None and pending.protocol == {}
    with pytest.raises(DomainError) as same:
        opening.opening_confirm(tender=tender, by=opener)
    assert same.value.code == "opening_same_person"
    with pytest.raises(DomainError):
        opening.opening_start(tender=tender, by=second_opener)

    done = opening.opening_confirm(tender=tender, by=second_opener)
    assert done.opened_at is not None
    assert done.confirmed_by == second_opener
    assert done.protocol["confirmed_by"]["email"] == second_opener.email


def test_opening_twice_is_refused(opened, opener):
    with pytest.raises(DomainError) as error:
        opening.opening_start(tender=opened, by=opener)
    assert error.value.code == "opening_done"


# --- Evaluation ---------------------------------------------------------------------------------


def test_only_evaluators_with_the_role_are_assigned(opened, procurement_officer, opener):
    with pytest.raises(DomainError) as error:
        evaluation.evaluator_assign(tender=opened, user=opener, by=procurement_officer)
    assert error.value.code == "evaluator_role_missing"


def test_evaluation_is_refused_before_opening(tender, bids, procurement_officer, evaluator):
    evaluation.evaluator_assign(tender=tender, user=evaluator, by=procurement_officer)
    with pytest.raises(DomainError) as error:
        evaluation.qualification_assess(bid=bids[0], by=evaluator, result="qualified")
    assert error.value.code == "bid_sealed"


def test_rejection_needs_a_reason_and_rejected_bids_are_not_scored(
    assigned, bid_b, lots, criteria, procurement_officer, evaluator
):
    with pytest.raises(DomainError):
        evaluation.qualification_assess(bid=bid_b, by=procurement_officer, result="rejected")
    evaluation.qualification_assess(
        bid=bid_b, by=procurement_officer, result="rejected", reason="Mangler skatteattest."
    )
    with pytest.raises(DomainError) as error:
        evaluation.score_set(bid=bid_b, lot=lots[0], criterion=criteria[0], by=evaluator, points=5)
    assert error.value.code == "score_not_qualified"


def test_scores_only_by_assigned_evaluators_on_lots_of_the_bid(
    qualified, bid_b, lots, criteria, evaluator, procurement_officer, buyer
):
    from marketplace.models import Role
    from tests.factories.bid_evaluation import buyer_user

    unassigned = buyer_user(buyer, Role.EVALUATOR)
    with pytest.raises(PermissionDenied):
        evaluation.score_set(bid=bid_b, lot=lots[0], criterion=criteria[0], by=unassigned, points=5)
    with pytest.raises(DomainError) as not_on_lot:
        evaluation.score_set(bid=bid_b, lot=lots[1], criterion=criteria[0], by=evaluator, points=5)
    assert not_on_lot.value.code == "score_lot_not_bid"
    with pytest.raises(DomainError) as range_error:
        evaluation.score_set(
            bid=bid_b, lot=lots[0], criterion=criteria[0], by=evaluator, points="10.5"
        )
    assert range_error.value.code == "score_points_range"


def test_every_score_change_is_audited_with_before_and_after(
    qualified, bid_a, lots, criteria, evaluator
):
    evaluation.score_set(bid=bid_a, lot=lots[0], criterion=criteria[0], by=evaluator, points=6)
    evaluation.score_set(
        bid=bid_a, lot=lots[0], criterion=criteria[0], by=evaluator, points="7.5", comment="Bedre"
    )
    events = list(AuditEvent.objects.filter(action="bid.score_changed").order_by("id"))
    assert len(events) == 2
    assert events[0].before is None and events[0].after["points"] == "6.00"
    assert events[1].before == {"points": "6.00", "comment": ""}
    assert events[1].after["points"] == "7.50" and events[1].after["comment"] == "Bedre"


def test_weighted_totals_and_ranking_on_a_known_data_set(agreed, bid_a, bid_b):
    results = {item.lot.number: item for item in lot_results(agreed)}

    lot1 = [(r.bid.pk, r.total, r.rank) for r in results[1].results]
    assert lot1 == [(bid_b.pk, Decimal("81.00"), 1), (bid_a.pk, Decimal("72.00"), 2)]
    lot2 = [(r.bid.pk, r.total, r.rank) for r in results[2].results]
    assert lot2 == [(bid_a.pk, Decimal("71.50"), 1)]


# --- Award --------------------------------------------------------------------------------------


def test_award_writes_letters_with_own_and_winners_scores(
    agreed, bid_a, bid_b, lots, procurement_officer, bidder_a_user, settings, mailoutbox
):
    settings.BID_STANDSTILL_DAYS = 10
    now = timezone.now()
    decision = award.award_decide(
        tender=agreed,
        lot=lots[0],
        bid=bid_b,
        by=procurement_officer,
        reasons="Best forhold mellom pris og kvalitet.",
        now=now,
    )
    assert decision.standstill_ends_at == now + datetime.timedelta(days=10)
    letters = {letter.bid_id: letter for letter in decision.letters.all()}
    assert letters[bid_b.pk].kind == AwardLetter.Kind.WINNER
    loser = letters[bid_a.pk]
    assert loser.kind == AwardLetter.Kind.UNSUCCESSFUL
    assert [s["points"] for s in loser.content["own"]["scores"]] == ["8.00", "6.00"]
    assert loser.content["own"]["total"] == "72.00"
    assert [s["points"] for s in loser.content["winner"]["scores"]] == ["7.50", "9.00"]
    assert loser.content["winner"]["total"] == "81.00"
    assert loser.content["reasons"] == "Best forhold mellom pris og kvalitet."
    notice = Notification.objects.get(recipient=bidder_a_user, key=f"bids:award-letter:{loser.pk}")
    # written in the bidder's language (Bokmål): "72,00", never "72.00"
    assert "72,00" in notice.body and "81,00" in notice.body
    # lot 2 still open: the tender is not awarded yet
    agreed.refresh_from_db()
    assert agreed.status == Tender.Status.IN_EVALUATION

    award.award_decide(
        tender=agreed, lot=lots[1], bid=bid_a, by=procurement_officer, reasons="Eneste tilbud."
    )
    agreed.refresh_from_db()
    assert agreed.status == Tender.Status.AWARDED


def test_award_needs_reasons_and_a_complete_qualified_bid(
    qualified, bid_a, lots, procurement_officer
):
    with pytest.raises(DomainError) as error:
        award.award_decide(
            tender=qualified, lot=lots[0], bid=bid_a, by=procurement_officer, reasons="Grunn"
        )
    assert error.value.code == "award_scores_missing"


def test_un_award_keeps_history_notifies_and_allows_a_new_decision(
    agreed, bid_a, bid_b, lots, procurement_officer, bidder_a_user, bidder_b_user
):
    first = award.award_decide(
        tender=agreed, lot=lots[0], bid=bid_a, by=procurement_officer, reasons="Feil vinner."
    )
    award.award_decide(
        tender=agreed, lot=lots[1], bid=bid_a, by=procurement_officer, reasons="Eneste tilbud."
    )
    agreed.refresh_from_db()
    assert agreed.status == Tender.Status.AWARDED

    withdrawn = award.award_withdraw(
        decision=first, by=procurement_officer, reason="Poengene ble lagt sammen feil."
    )
    assert withdrawn.status == AwardDecision.Status.WITHDRAWN
    assert withdrawn.withdrawn_by == procurement_officer
    agreed.refresh_from_db()
    assert agreed.status == Tender.Status.IN_EVALUATION
    kinds = set(first.letters.values_list("bid_id", "kind"))
    assert (bid_a.pk, "withdrawn") in kinds and (bid_b.pk, "withdrawn") in kinds
    for user in (bidder_a_user, bidder_b_user):
        told = Notification.objects.filter(recipient=user, subject__contains="trukket tilbake")
        assert told.exists()  # "Award withdrawn", in the recipient's Bokmål

    second = award.award_decide(
        tender=agreed, lot=lots[0], bid=bid_b, by=procurement_officer, reasons="Rettet."
    )
    assert AwardDecision.objects.filter(lot=lots[0]).count() == 2
    assert second.status == AwardDecision.Status.ACTIVE
    agreed.refresh_from_db()
    assert agreed.status == Tender.Status.AWARDED


def test_contract_only_after_the_standstill(agreed, bid_b, lots, procurement_officer):
    decision = award.award_decide(
        tender=agreed, lot=lots[0], bid=bid_b, by=procurement_officer, reasons="Best."
    )
    with pytest.raises(DomainError) as error:
        award.contract_sign(decision=decision, by=procurement_officer)
    assert error.value.code == "contract_in_standstill"
    later = decision.standstill_ends_at + datetime.timedelta(minutes=1)
    signed = award.contract_sign(decision=decision, by=procurement_officer, now=later)
    assert signed.contract_signed_at == later


def test_another_buyers_officer_cannot_award(agreed, bid_b, lots, other_officer):
    with pytest.raises(PermissionDenied):
        award.award_decide(tender=agreed, lot=lots[0], bid=bid_b, by=other_officer, reasons="x")


# --- Cancellation and detection ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_cancelling_tells_every_bidder(
    tender, bid_a, bid_b, procurement_officer, bidder_a_user, bidder_b_user, partner_user
):
    from tenders.services.tenders import tender_cancel

    tender_cancel(tender=tender, by=procurement_officer, reason="Behovet er borte.")

    told = set(
        Notification.objects.filter(key=f"bids:tender-cancelled:{tender.pk}").values_list(
            "recipient__email", flat=True
        )
    )
    assert told == {bidder_a_user.email, bidder_b_user.email, partner_user.email}
    # idempotent: running the task again tells nobody twice
    from bids.tasks import notify_bidders_cancelled

    notify_bidders_cancelled(tender.pk)
    assert Notification.objects.filter(key=f"bids:tender-cancelled:{tender.pk}").count() == 3


def test_tampering_with_an_opening_event_is_detected(opened):
    from importlib import import_module

    from django.core.management.base import CommandError
    from django.db import connection

    call_command("verify_audit", stdout=io.StringIO())
    event = AuditEvent.objects.filter(action="bid.opened").get()
    append_only = import_module("marketplace.migrations.0002_audit_append_only")
    # the audit table refuses updates: tamper as the database's owner could
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE marketplace_auditevent DISABLE TRIGGER USER")
        else:
            for statement in append_only.SQLITE_DROP:
                cursor.execute(statement)
        AuditEvent.objects.filter(pk=event.pk).update(after={**event.after, "bid_count": 1})
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE marketplace_auditevent ENABLE TRIGGER USER")
        else:
            for statement in append_only.SQLITE_CREATE:
                cursor.execute(statement)

    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", stdout=io.StringIO())
    assert f"row {event.pk} was changed" in str(failure.value)
