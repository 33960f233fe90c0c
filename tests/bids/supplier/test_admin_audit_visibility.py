"""The Django admin's audit log and notifications do not reveal who is bidding before opening."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from bids.services.opening import opening_start
from marketplace.models import AuditEvent, Notification, Role
from tests.conftest import with_totp
from tests.factories import SupplierFactory, UserFactory, cpv_code
from tests.factories.bid_evaluation import buyer_user
from tests.factories.bids import submitted_bid, supplier_member, tender_ready_for_bids

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return with_totp(UserFactory(email="root@pilotmarked.test", is_staff=True, is_superuser=True))


@pytest.fixture
def bid(buyer, buyer_unit):
    tender = tender_ready_for_bids(
        buyer=buyer, unit=buyer_unit, lots=1, main_cpv=cpv_code("72000000", "IT services")
    )
    firm = SupplierFactory(name="Hemmelig Byrå AS")
    return submitted_bid(tender=tender, by=supplier_member(firm, email="anna@hemmelig.test"))


def _events_page(client) -> str:
    return client.get(reverse("admin:marketplace_auditevent_changelist")).content.decode()


def test_the_audit_log_hides_bid_events_from_a_superuser_until_the_opening(
    client, superuser, bid, buyer, buyer_unit
):
    assert AuditEvent.objects.filter(object_type="bids.bid", action="bid.submitted").exists()
    client.force_login(superuser)
    page = _events_page(client)
    assert "bid.submitted" not in page
    assert "anna@hemmelig.test" not in page
    assert str(bid.public_id) not in page
    hidden = AuditEvent.objects.get(object_type="bids.bid", action="bid.submitted")
    change = client.get(reverse("admin:marketplace_auditevent_change", args=[hidden.pk]))
    assert change.status_code != 200  # the admin treats it as missing

    opener = buyer_user(buyer, Role.BID_OPENER, unit=buyer_unit, email="opener@afk.test")
    tender = bid.tender
    opening_start(
        tender=tender, by=opener, now=tender.submission_deadline + datetime.timedelta(minutes=5)
    )
    page = _events_page(client)
    # After the opening the event shows, naming the bidder as the chain does: by user id,
    # with today's name looked up (never an e-mail address in the chain).
    assert "bid.submitted" in page
    assert escape(hidden.actor_display()) in page


def test_the_notification_admin_never_lists_bid_notifications(client, superuser, bid):
    Notification.objects.create(
        recipient=bid.created_by,
        kind="bids",
        key="test-bids-notice",
        subject="Invitation to a joint bid on AFK-TEST from Hemmelig Byrå AS",
        body="",
    )
    client.force_login(superuser)
    page = client.get(reverse("admin:marketplace_notification_changelist")).content.decode()
    assert "Hemmelig Byrå AS" not in page


def test_bidders_hear_of_a_new_deadline_without_following_the_tender(
    bid, procurement_officer, django_capture_on_commit_callbacks
):
    from bids.services.award import bidders_notify_changed
    from tenders.services.tenders import tender_extend_deadline

    tender = bid.tender
    with django_capture_on_commit_callbacks(execute=True):
        tender_extend_deadline(
            tender=tender,
            by=procurement_officer,
            submission_deadline=tender.submission_deadline + datetime.timedelta(days=7),
            reason="More time for the market",
        )
    told = Notification.objects.filter(recipient=bid.created_by, kind="bids")
    assert told.count() == 1
    assert tender.reference in told.get().subject
    tender.refresh_from_db()
    # the task again (a retry): nobody is told twice
    bidders_notify_changed(tender_id=tender.pk, event="deadline_extended", version=tender.version)
    assert told.count() == 1
