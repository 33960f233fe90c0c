"""Joint bids: invitations by organisation number, confirmation from the member's own account,
submission only when every member has confirmed."""

from __future__ import annotations

import pytest

from bids.models import ConsortiumMember
from bids.services import bids as bid_services
from bids.services import consortium as services
from bids.services.sealing import Side, bidder_side
from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import Notification
from tests.factories import SupplierFactory
from tests.factories.bids import draft_bid, supplier_member, tender_ready_for_bids

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner():
    return SupplierFactory(name="Vei og Data AS")


@pytest.fixture
def partner_admin(partner):
    return supplier_member(partner, email="admin@veiogdata.test")


def test_invite_a_registered_partner_who_confirms_then_submit(
    tender, lead, lead_user, partner, partner_admin, django_capture_on_commit_callbacks, mailoutbox
):
    bid = draft_bid(tender=tender, supplier=lead, by=lead_user)

    with django_capture_on_commit_callbacks(execute=True):
        member = services.consortium_invite(bid=bid, by=lead_user, org_number=partner.org_number)

    assert member.organisation == partner and member.status == ConsortiumMember.Status.INVITED
    assert Notification.objects.filter(recipient=partner_admin, kind="bids").count() == 1
    assert bidder_side(partner_admin, bid) == Side.CONSORTIUM
    with pytest.raises(bid_services.BidIncomplete) as caught:
        bid_services.bid_submit(bid=bid, by=lead_user)
    assert "Vei og Data AS" in caught.value.message

    with django_capture_on_commit_callbacks(execute=True):
        services.consortium_respond(member=member, by=partner_admin, accept=True)

    with django_capture_on_commit_callbacks(execute=True):
        bid = bid_services.bid_submit(bid=bid, by=lead_user)
    assert bid.is_joint and bid.status == "submitted"
    assert Notification.objects.filter(recipient=lead_user, kind="bids").count() == 1
    # the receipt went by e-mail to the submitter (the lead's admin), naming the partner
    receipt = [m for m in mailoutbox if m.to == [lead_user.email] and bid.receipt_code in m.subject]
    assert len(receipt) == 1 and "Vei og Data AS" in receipt[0].body


def test_an_unregistered_number_stays_invited_and_blocks_submission(tender, lead, lead_user):
    bid = draft_bid(tender=tender, supplier=lead, by=lead_user)
    member = services.consortium_invite(bid=bid, by=lead_user, org_number="923609016")
    assert member.organisation is None

    with pytest.raises(bid_services.BidIncomplete) as caught:
        bid_services.bid_submit(bid=bid, by=lead_user)
    assert "923609016 er ikke registrert" in caught.value.message

    # it registers; submission links it and still waits for its confirmation
    registered = SupplierFactory(org_number="923609016")
    admin = supplier_member(registered)
    with pytest.raises(bid_services.BidIncomplete):
        bid_services.bid_submit(bid=bid, by=lead_user)
    member.refresh_from_db()
    # the refused submission rolled back; the consortium page's next invite or submit links it
    services.link_registered_members(bid=bid, by=lead_user)
    member.refresh_from_db()
    assert member.organisation == registered
    services.consortium_respond(member=member, by=admin, accept=True)
    assert bid_services.bid_submit(bid=bid, by=lead_user).status == "submitted"


def test_only_the_invited_organisation_answers(tender, lead, lead_user, partner, other_user):
    bid = draft_bid(tender=tender, supplier=lead, by=lead_user)
    member = services.consortium_invite(bid=bid, by=lead_user, org_number=partner.org_number)
    for person in (lead_user, other_user):
        with pytest.raises(PermissionDenied):
            services.consortium_respond(member=member, by=person, accept=True)


def test_a_declining_member_loses_access(tender, lead, lead_user, partner, partner_admin):
    bid = draft_bid(tender=tender, supplier=lead, by=lead_user)
    member = services.consortium_invite(bid=bid, by=lead_user, org_number=partner.org_number)
    services.consortium_respond(member=member, by=partner_admin, accept=False)
    assert bidder_side(partner_admin, bid) is None


def test_joint_bids_refused_when_the_tender_forbids_them(lead, lead_user, partner):
    tender = tender_ready_for_bids(joint_bids_allowed=False)
    bid = draft_bid(tender=tender, supplier=lead, by=lead_user)
    with pytest.raises(DomainError) as caught:
        services.consortium_invite(bid=bid, by=lead_user, org_number=partner.org_number)
    assert caught.value.code == "bid_joint_forbidden"


@pytest.mark.parametrize(
    "number, code", [("123", "bid_consortium_org_number"), ("self", "bid_consortium_self")]
)
def test_invalid_invitations(tender, lead, lead_user, number, code):
    bid = draft_bid(tender=tender, supplier=lead, by=lead_user)
    with pytest.raises(DomainError) as caught:
        services.consortium_invite(
            bid=bid, by=lead_user, org_number=lead.org_number if number == "self" else number
        )
    assert caught.value.code == code


def test_only_the_lead_invites(tender, lead, lead_user, partner, partner_admin):
    bid = draft_bid(tender=tender, supplier=lead, by=lead_user)
    with pytest.raises(PermissionDenied):
        services.consortium_invite(bid=bid, by=partner_admin, org_number="923609016")
