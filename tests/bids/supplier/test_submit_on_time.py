"""On time means accepted (issue 13 §2): a bid is judged on when the request was received, not on
when its processing got to the deadline check, and submissions of different suppliers do not
wait for one another. The one-second-before and at-the-deadline boundaries are in
test_bid_services.py; the HTTP drill with fifty suppliers is ``make drill-deadline``."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from bids.models import Bid
from bids.services import bids as services
from bids.services.opening import opening_start
from marketplace.models import AuditEvent
from tenders.models import Tender
from tenders.services.closing import tender_close
from tests.factories.bids import draft_bid, tender_ready_for_bids


def _deadline_passed_a_moment_ago(tender: Tender, seconds: float = 2) -> datetime.datetime:
    """Move the deadline into the past, as the clock does while a request is being processed."""
    deadline = timezone.now() - datetime.timedelta(seconds=seconds)
    Tender.objects.filter(pk=tender.pk).update(
        submission_deadline=deadline, question_deadline=deadline - datetime.timedelta(days=1)
    )
    tender.refresh_from_db()
    return deadline


@pytest.mark.django_db
def test_received_before_the_deadline_is_accepted_although_processed_after_it():
    # given a complete draft, and a request that came in just before the deadline
    tender = tender_ready_for_bids(lots=1)
    bid = draft_bid(tender=tender)
    deadline = _deadline_passed_a_moment_ago(tender)
    received = deadline - datetime.timedelta(milliseconds=1)

    # when it is processed now, after the deadline
    bid = services.bid_submit(bid=bid, by=bid.created_by, received_at=received)

    # then it is accepted and stamped with the receipt time
    assert timezone.now() > deadline
    assert bid.status == Bid.Status.SUBMITTED
    bid.refresh_from_db()
    assert bid.submitted_at == received
    event = AuditEvent.objects.get(action="bid.submitted", object_id=str(bid.pk))
    assert event.after["submitted_at"] == DjangoJSONEncoder().default(received)


@pytest.mark.django_db
def test_received_at_the_deadline_is_refused_and_nothing_is_written():
    tender = tender_ready_for_bids(lots=1)
    bid = draft_bid(tender=tender)
    deadline = _deadline_passed_a_moment_ago(tender)

    with pytest.raises(services.DeadlinePassed) as caught:
        services.bid_submit(bid=bid, by=bid.created_by, received_at=deadline)

    assert caught.value.code == "bid_deadline_passed"
    bid.refresh_from_db()
    assert bid.status == Bid.Status.DRAFT and bid.submitted_at is None and not bid.receipt_code
    assert not AuditEvent.objects.filter(action="bid.submitted").exists()


@pytest.mark.django_db
def test_closed_by_the_clock_meanwhile_still_takes_a_bid_received_in_time_until_opened(
    buyer, buyer_unit, bid_opener
):
    # given a bid received before the deadline, and the periodic close running before it is done
    tender = tender_ready_for_bids(lots=1, buyer=buyer, unit=buyer_unit)
    bid = draft_bid(tender=tender)
    other = draft_bid(tender=tender)
    deadline = _deadline_passed_a_moment_ago(tender)
    tender_close(tender=tender)
    received = deadline - datetime.timedelta(milliseconds=300)

    assert services.bid_submit(bid=bid, by=bid.created_by, received_at=received).status == (
        Bid.Status.SUBMITTED
    )

    # once the bids are opened, nothing more comes in, whenever it was received
    opening_start(tender=tender, by=bid_opener)
    with pytest.raises(services.BidError) as caught:
        services.bid_submit(bid=other, by=other.created_by, received_at=received)
    assert caught.value.code == "bid_tender_not_open"


@pytest.fixture
def bid_opener(buyer, buyer_unit):
    from marketplace.models import Role
    from tests.factories.bid_evaluation import buyer_user

    return buyer_user(buyer, Role.BID_OPENER, unit=buyer_unit, email="apner@afk.test")


# --- Through the page: the receipt time is stamped before anything waits ---------------------


@pytest.mark.django_db
def test_a_late_submission_gets_409_with_the_deadline_in_oslo_time(client):
    tender = tender_ready_for_bids(lots=1)
    bid = draft_bid(tender=tender)
    _deadline_passed_a_moment_ago(tender)
    client.force_login(bid.created_by)

    response = client.post(reverse("bids:supplier_submit", kwargs={"public_id": bid.public_id}))

    assert response.status_code == 409
    body = response.content.decode()
    assert "(norsk tid)" in body and "ble ikke levert" in body
    bid.refresh_from_db()
    assert bid.status == Bid.Status.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize("trusted", [True, False])
def test_the_proxys_request_start_counts_only_when_trusted(client, settings, trusted):
    # given a request the proxy received before the deadline, queued until after it
    settings.TRUST_X_REQUEST_START = trusted
    tender = tender_ready_for_bids(lots=1)
    bid = draft_bid(tender=tender)
    deadline = _deadline_passed_a_moment_ago(tender, seconds=1)
    at_proxy = deadline - datetime.timedelta(milliseconds=500)
    client.force_login(bid.created_by)

    response = client.post(
        reverse("bids:supplier_submit", kwargs={"public_id": bid.public_id}),
        headers={"X-Request-Start": f"t={at_proxy.timestamp():.3f}"},
    )

    bid.refresh_from_db()
    if trusted:
        assert response.status_code == 302
        assert bid.status == Bid.Status.SUBMITTED
        assert abs(bid.submitted_at - at_proxy) < datetime.timedelta(milliseconds=1)
    else:
        assert response.status_code == 409
        assert bid.status == Bid.Status.DRAFT


# --- PostgreSQL: one supplier's submission does not hold up another's ------------------------


def _waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_submission_held_inside_its_transaction_does_not_hold_up_another_supplier():
    if connection.vendor != "postgresql":
        pytest.skip("row locks in share mode: PostgreSQL only (SQLite has one writer)")
    tender = tender_ready_for_bids(lots=1)
    first, second = draft_bid(tender=tender), draft_bid(tender=tender)
    holding, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def hold_first_bid_row():  # stands in for anything that keeps the first submission waiting
        try:
            with transaction.atomic():
                Bid.objects.select_for_update().get(pk=first.pk)
                holding.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    def submit_first():
        try:
            outcome["first"] = services.bid_submit(bid=first, by=first.created_by).status
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            outcome["first"] = exc
        finally:
            connection.close()

    holder = threading.Thread(target=hold_first_bid_row)
    submitter = threading.Thread(target=submit_first)
    holder.start()
    assert holding.wait(timeout=30)
    submitter.start()
    for _ in range(300):  # until the first submission waits inside its transaction
        if _waiting_for_a_lock():
            break
        time.sleep(0.05)
    assert _waiting_for_a_lock() == 1

    # when the second supplier submits meanwhile (a lock wait fails instead of hanging)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")
        try:
            second = services.bid_submit(bid=second, by=second.created_by)
        except OperationalError as exc:
            pytest.fail(f"the second supplier waited for the first: {exc}")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        release.set()
        holder.join(timeout=60)
        submitter.join(timeout=60)

    # then it went through at once, and the first went through when let go
    assert second.status == Bid.Status.SUBMITTED
    assert outcome["first"] == Bid.Status.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_a_change_of_the_tender_that_commits_first_wins_over_a_submission_waiting_for_it():
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite has one writer)")
    from tenders.services.locks import lock

    tender = tender_ready_for_bids(lots=1)
    bid = draft_bid(tender=tender)
    changed, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def buyer_cancels():  # the buyer's change holds the tender's row until it commits
        try:
            with transaction.atomic():
                locked = lock(tender)
                locked.status = Tender.Status.CANCELLED
                locked.save(update_fields=["status"])
                changed.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    def supplier_submits():
        try:
            services.bid_submit(bid=bid, by=bid.created_by, received_at=timezone.now())
        except services.BidError as exc:
            outcome["code"] = exc.code
        else:
            outcome["code"] = "submitted"
        finally:
            connection.close()

    buyer, supplier = (
        threading.Thread(target=buyer_cancels),
        threading.Thread(target=supplier_submits),
    )
    buyer.start()
    assert changed.wait(timeout=30)
    supplier.start()
    try:
        for _ in range(300):  # until the submission's final write waits for the buyer's change
            if _waiting_for_a_lock():
                break
            time.sleep(0.05)
        assert _waiting_for_a_lock() == 1
    finally:
        release.set()
        buyer.join(timeout=60)
        supplier.join(timeout=60)

    assert outcome["code"] == "bid_tender_not_open"
    bid.refresh_from_db()
    assert bid.status == Bid.Status.DRAFT


@pytest.mark.django_db(transaction=True)
def test_one_suppliers_draft_work_holds_up_only_that_supplier():
    """Starting a bid, withdrawing and making a new version (which re-encrypts every document)
    hold ``lock_supplier_on``: another supplier's submission passes it, the same supplier's next
    draft operation waits for it."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks in share mode: PostgreSQL only (SQLite has one writer)")
    tender = tender_ready_for_bids(lots=1)
    busy, other = draft_bid(tender=tender), draft_bid(tender=tender)
    holding, release = threading.Event(), threading.Event()

    def hold_the_supplier():  # stands in for a new version re-encrypting large documents
        try:
            with transaction.atomic():
                services.lock_supplier_on(tender, busy.supplier_id)
                holding.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_supplier)
    holder.start()
    assert holding.wait(timeout=30)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        # when another supplier submits meanwhile, it goes through at once
        try:
            other = services.bid_submit(bid=other, by=other.created_by)
        except OperationalError as exc:
            pytest.fail(f"the submission waited for another supplier's draft work: {exc}")
        # while the same supplier's own next draft operation waits its turn
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            services.lock_supplier_on(tender, busy.supplier_id)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        release.set()
        holder.join(timeout=60)

    assert other.status == Bid.Status.SUBMITTED
