"""The Django admin tells a superuser nothing about bids that are still sealed.

Two places that used to: deleting a supplier (its bids protect it, so the refusal named them and
a successful delete proved there were none), and the outbox list (one receipt row per bid).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.models import Organisation, OutboxMessage
from tests.conftest import with_totp
from tests.factories import SupplierFactory, UserFactory, cpv_code
from tests.factories.bids import submitted_bid, supplier_member, tender_ready_for_bids

pytestmark = pytest.mark.django_db

# The Django admin has no language prefix, so it speaks the default language, Bokmål.
SUPPLIERS_IN_ADMIN = "leverandørorganisasjoner"


@pytest.fixture
def staff_client(client):
    staff = with_totp(UserFactory(email="drift@pilotmarked.test", is_staff=True, is_superuser=True))
    client.force_login(staff)
    return client


@pytest.fixture
def bidder(buyer, buyer_unit):
    """A supplier with a bid on a tender still open for bids."""
    firm = SupplierFactory(name="Hemmelig Byrå AS")
    tender = tender_ready_for_bids(
        buyer=buyer, unit=buyer_unit, lots=1, main_cpv=cpv_code("72000000", "IT services")
    )
    bid = submitted_bid(tender=tender, supplier=firm, by=supplier_member(firm))
    firm.bid = bid
    return firm


def _delete_page(client, organisation):
    return client.get(reverse("admin:marketplace_organisation_delete", args=[organisation.pk]))


def test_deleting_a_supplier_is_refused_alike_with_or_without_sealed_bids(staff_client, bidder):
    quiet = SupplierFactory(name="Stille Firma AS")

    with_bid, without = _delete_page(staff_client, bidder), _delete_page(staff_client, quiet)

    for response in (with_bid, without):
        assert response.status_code == 200
        assert response.context["protected"] == []
        assert [str(p) for p in response.context["perms_lacking"]] == [SUPPLIERS_IN_ADMIN]
        assert response.context["deleted_objects"] == []
    page = with_bid.content.decode()
    assert bidder.bid.tender.reference not in page
    assert str(bidder.bid.public_id) not in page

    for firm in (bidder, quiet):
        refused = staff_client.post(
            reverse("admin:marketplace_organisation_delete", args=[firm.pk]), {"post": "yes"}
        )
        assert refused.status_code == 403
    assert Organisation.objects.filter(pk__in=[bidder.pk, quiet.pk]).count() == 2


def test_bulk_delete_of_suppliers_is_refused_alike(staff_client, bidder):
    quiet = SupplierFactory(name="Stille Firma AS")

    pages = [
        staff_client.post(
            reverse("admin:marketplace_organisation_changelist"),
            {"action": "delete_selected", "_selected_action": [firm.pk]},
        )
        for firm in (bidder, quiet)
    ]

    for response in pages:
        assert [str(p) for p in response.context["perms_lacking"]] == [SUPPLIERS_IN_ADMIN]
        assert response.context["protected"] == []


def test_a_buyer_without_history_can_still_be_deleted(staff_client):
    from tests.factories import BuyerFactory

    buyer = BuyerFactory(name="Ny kommune")

    staff_client.post(
        reverse("admin:marketplace_organisation_delete", args=[buyer.pk]), {"post": "yes"}
    )

    assert not Organisation.objects.filter(pk=buyer.pk).exists()


def test_the_outbox_list_does_not_count_bid_receipts(staff_client, buyer, buyer_unit):
    tender = tender_ready_for_bids(buyer=buyer, unit=buyer_unit, lots=1)
    changelist = reverse("admin:marketplace_outboxmessage_changelist")
    before = staff_client.get(changelist).context["cl"].result_count

    firm = SupplierFactory(name="Hemmelig Byrå AS")
    submitted_bid(tender=tender, supplier=firm, by=supplier_member(firm))

    assert OutboxMessage.objects.filter(topic__startswith="bids.").exists()
    response = staff_client.get(changelist)
    assert response.context["cl"].result_count == before
    assert "bids:receipt" not in response.content.decode()


def test_bid_and_award_lists_count_only_opened_tenders(staff_client, bidder):
    from bids.models import AwardDecision
    from tests.factories.pilots import make_award, open_bids

    bids_list = reverse("admin:bids_bid_changelist")
    awards_list = reverse("admin:bids_awarddecision_changelist")
    sealed_tender = bidder.bid.tender
    # A decision can only be made after opening; written by hand, the list still leaves it out.
    AwardDecision.objects.create(
        tender=sealed_tender,
        lot=sealed_tender.lots.get(),
        bid=bidder.bid,
        reasons="-",
        decided_by=UserFactory(),
        standstill_ends_at=bidder.bid.submitted_at,
    )
    shown = make_award()  # on a tender whose bids are opened

    bids = staff_client.get(bids_list, {"_facets": "1"}).context["cl"]
    awards = staff_client.get(awards_list).context["cl"]

    assert bids.result_count == 1 and bids.full_result_count == 1
    assert [bid.pk for bid in bids.result_list] == [shown.bid_id]
    assert list(awards.result_list) == [shown]

    open_bids(sealed_tender)

    assert staff_client.get(bids_list).context["cl"].result_count == 2
    assert staff_client.get(awards_list).context["cl"].result_count == 2


def test_the_outbox_list_does_not_count_the_bidders_told_of_a_new_deadline(
    staff_client, bidder, procurement_officer, django_capture_on_commit_callbacks
):
    import datetime

    from marketplace.models import Notification
    from marketplace.outbox import outbox_enqueue
    from marketplace.services.notifications import notification_email_deliver
    from tenders.services.tenders import tender_extend_deadline
    from tests.factories.notifications import NotificationFactory

    changelist = reverse("admin:marketplace_outboxmessage_changelist")
    ordinary = NotificationFactory(kind="system")
    outbox_enqueue(
        handler=notification_email_deliver,
        payload={"notification_id": ordinary.pk},
        key=f"notifications:email:{ordinary.pk}",
    )
    before = list(staff_client.get(changelist).context["cl"].result_list)
    tender = bidder.bid.tender

    with django_capture_on_commit_callbacks(execute=True):
        tender_extend_deadline(
            tender=tender,
            by=procurement_officer,
            submission_deadline=tender.submission_deadline + datetime.timedelta(days=7),
            reason="More time for the market",
        )

    told = Notification.objects.filter(kind="bids")
    assert told.exists()
    assert OutboxMessage.objects.filter(
        payload__notification_id__in=list(told.values_list("pk", flat=True))
    ).exists()
    after = staff_client.get(changelist).context["cl"].result_list
    # One row per event and per follower fan-out, as for any tender; none per bidder.
    e_mails = [row.payload for row in after if "notification_id" in row.payload]
    assert e_mails == [{"notification_id": ordinary.pk}]
    assert set(before) <= set(after)
