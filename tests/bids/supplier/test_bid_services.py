"""Bids on the supplier side: start, edit, submit, withdraw, new version, with the deadline
boundary on a DST date and the content sealed on every write."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from bids.content import BidContent, Subcontractor
from bids.models import Bid
from bids.services import bids as services
from bids.services import sealing
from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import AuditEvent
from tests.factories import TenderFactory
from tests.factories.bids import (
    MINIMAL_PDF,
    complete_content,
    draft_bid,
    submitted_bid,
    tender_ready_for_bids,
)

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db


def test_start_makes_a_sealed_draft_and_leaves_no_follow_behind(tender, lead, lead_user):
    bid = services.bid_start(tender=tender, supplier=lead, by=lead_user)

    assert bid.status == Bid.Status.DRAFT and bid.version == 1
    assert bytes(bid.sealed_content).startswith(b"PMB1")
    assert services.read_content(bid).prices == {}
    from tenders.models import Follow

    # A follow would show staff who is bidding; bidders are told of changes directly.
    assert not Follow.objects.filter(user=lead_user, tender=tender).exists()
    # starting again returns the same draft
    assert services.bid_start(tender=tender, supplier=lead, by=lead_user) == bid


@pytest.mark.parametrize(
    "kwargs", [{"external": True}, {"closed": True}, {}], ids=["doffin", "closed", "draft"]
)
def test_start_refused_unless_own_published_and_before_deadline(kwargs, lead, lead_user):
    tender = TenderFactory(**kwargs)
    with pytest.raises(DomainError):
        services.bid_start(tender=tender, supplier=lead, by=lead_user)
    assert not Bid.objects.exists()


def test_start_refused_to_someone_not_in_the_supplier(tender, lead, other_user):
    with pytest.raises(PermissionDenied):
        services.bid_start(tender=tender, supplier=lead, by=other_user)


def test_any_member_edits_the_draft_and_every_write_reseals(tender, lead, lead_user, colleague):
    bid = services.bid_start(tender=tender, supplier=lead, by=lead_user)
    first_blob = bytes(bid.sealed_content)
    content = complete_content(tender, text="Svar fra kollega")

    services.bid_update(bid=bid, by=colleague, content=content)

    bid.refresh_from_db()
    assert bytes(bid.sealed_content) != first_blob
    assert b"Svar fra kollega" not in bytes(bid.sealed_content)
    assert services.read_content(bid).message == "Svar fra kollega"
    event = AuditEvent.objects.filter(action="bid.updated").get()
    assert "Svar" not in str(event.after)


def test_max_lots_per_bidder_is_respected(lead, lead_user):
    tender = tender_ready_for_bids(lots=3, max_lots_per_bidder=2)
    bid = services.bid_start(tender=tender, supplier=lead, by=lead_user)
    lots = list(tender.lots.values_list("pk", flat=True))
    content = BidContent(prices=dict.fromkeys(lots, Decimal("1")))

    with pytest.raises(DomainError) as caught:
        services.bid_update(bid=bid, by=lead_user, content=content)
    assert caught.value.code == "bid_too_many_lots"


def test_lots_of_another_tender_are_refused(tender, lead, lead_user):
    other = tender_ready_for_bids(lots=1)
    bid = services.bid_start(tender=tender, supplier=lead, by=lead_user)
    content = BidContent(prices={other.lots.get().pk: Decimal("1")})
    with pytest.raises(DomainError) as caught:
        services.bid_update(bid=bid, by=lead_user, content=content)
    assert caught.value.code == "bid_unknown_lot"


def test_subcontractors_only_when_allowed_and_with_valid_numbers(lead, lead_user):
    tender = tender_ready_for_bids(subcontracting_allowed=False)
    bid = services.bid_start(tender=tender, supplier=lead, by=lead_user)
    content = complete_content(tender)
    content.subcontractors = [Subcontractor("Vei og Data AS", "923609016", Decimal("20"))]
    with pytest.raises(DomainError) as caught:
        services.bid_update(bid=bid, by=lead_user, content=content)
    assert caught.value.code == "bid_subcontracting_forbidden"

    allowed = tender_ready_for_bids()
    bid = services.bid_start(tender=allowed, supplier=lead, by=lead_user)
    content = complete_content(allowed)
    content.subcontractors = [Subcontractor("Feil AS", "123456789", Decimal("20"))]
    with pytest.raises(DomainError) as caught:
        services.bid_update(bid=bid, by=lead_user, content=content)
    assert caught.value.code == "bid_subcontractor_org_number"
    content.subcontractors = [Subcontractor("Vei og Data AS", "923 609 016", Decimal("20"))]
    bid = services.bid_update(bid=bid, by=lead_user, content=content)
    assert services.read_content(bid).subcontractors[0].org_number == "923609016"


def test_incomplete_bid_is_not_submitted_and_every_problem_is_named(tender, lead, lead_user):
    bid = services.bid_start(tender=tender, supplier=lead, by=lead_user)
    lot = tender.lots.first()
    services.bid_update(bid=bid, by=lead_user, content=BidContent(prices={lot.pk: None}))

    with pytest.raises(services.BidIncomplete) as caught:
        services.bid_submit(bid=bid, by=lead_user)

    fields = [field for field, _message in caught.value.problems]
    assert fields.count("lots") == 1  # the missing price
    assert "qualification" in fields and "criteria" in fields
    bid.refresh_from_db()
    assert bid.status == Bid.Status.DRAFT and not bid.receipt_code


def test_a_tender_without_lots_is_bid_on_as_a_whole(lead, lead_user):
    tender = tender_ready_for_bids(lots=0)
    bid = draft_bid(tender=tender, by=lead_user, supplier=lead)
    assert services.read_content(bid).prices == {services.WHOLE_CONTRACT: Decimal("990000")}
    assert services.bid_submit(bid=bid, by=lead_user).status == Bid.Status.SUBMITTED


# --- The deadline: one second before is accepted, the deadline itself is refused ------------


def _dst_tender():
    # 25 October 2026: summer time ends at 03:00 Oslo; noon is then 11:00 UTC (not 10:00).
    deadline = datetime.datetime(2026, 10, 25, 12, 0, tzinfo=OSLO)
    return tender_ready_for_bids(
        lots=1,
        submission_deadline=deadline,
        question_deadline=deadline - datetime.timedelta(days=7),
    )


def test_submission_one_second_before_the_deadline_is_accepted_on_a_dst_date(lead, lead_user):
    tender = _dst_tender()
    assert tender.submission_deadline == datetime.datetime(2026, 10, 25, 11, 0, tzinfo=datetime.UTC)
    early = datetime.datetime(2026, 10, 20, 9, 0, tzinfo=datetime.UTC)
    bid = draft_bid(tender=tender, supplier=lead, by=lead_user, now=early)
    now = datetime.datetime(2026, 10, 25, 10, 59, 59, tzinfo=datetime.UTC)

    bid = services.bid_submit(bid=bid, by=lead_user, now=now)

    assert bid.status == Bid.Status.SUBMITTED
    assert bid.submitted_at == now
    assert bid.receipt_code.startswith(f"{tender.reference}-")
    assert len(bid.receipt_code) == len(tender.reference) + 9
    assert bid.content_sha256 == sealing.content_sha256(sealing.unseal_content(bid))


def test_submission_at_the_deadline_is_refused_with_the_oslo_time(lead, lead_user):
    tender = _dst_tender()
    early = datetime.datetime(2026, 10, 20, 9, 0, tzinfo=datetime.UTC)
    bid = draft_bid(tender=tender, supplier=lead, by=lead_user, now=early)
    now = datetime.datetime(2026, 10, 25, 11, 0, 0, tzinfo=datetime.UTC)

    with pytest.raises(services.DeadlinePassed) as caught:
        services.bid_submit(bid=bid, by=lead_user, now=now)

    assert "12:00 (norsk tid)" in caught.value.message  # the site speaks Bokmål by default
    assert "ble ikke levert" in caught.value.message  # "was not submitted"
    bid.refresh_from_db()
    assert bid.status == Bid.Status.DRAFT and bid.submitted_at is None


def test_the_draft_is_frozen_after_the_deadline(lead, lead_user):
    tender = _dst_tender()
    early = datetime.datetime(2026, 10, 20, 9, 0, tzinfo=datetime.UTC)
    bid = draft_bid(tender=tender, supplier=lead, by=lead_user, now=early)
    late = datetime.datetime(2026, 10, 25, 11, 0, 0, tzinfo=datetime.UTC)
    with pytest.raises(services.DeadlinePassed):
        services.bid_update(bid=bid, by=lead_user, content=BidContent(), now=late)


# --- Withdraw and versions ------------------------------------------------------------------


def test_withdraw_before_the_deadline_only(tender, lead, lead_user):
    bid = submitted_bid(tender=tender, supplier=lead, by=lead_user)
    late = tender.submission_deadline
    with pytest.raises(services.DeadlinePassed):
        services.bid_withdraw(bid=bid, by=lead_user, now=late)

    bid = services.bid_withdraw(bid=bid, by=lead_user)
    assert bid.status == Bid.Status.WITHDRAWN and bid.withdrawn_at
    assert AuditEvent.objects.filter(action="bid.withdrawn").count() == 1


def test_new_version_has_a_new_key_and_reencrypted_documents_and_replaces_on_submit(
    tender, lead, lead_user
):
    first = submitted_bid(
        tender=tender, supplier=lead, by=lead_user, documents=[("tilbud.pdf", MINIMAL_PDF)]
    )

    second = services.bid_new_version(bid=first, by=lead_user)

    assert second.version == 2 and second.previous == first and second.status == Bid.Status.DRAFT
    assert bytes(second.wrapped_key) != bytes(first.wrapped_key)
    assert sealing.data_key(second) != sealing.data_key(first)
    assert services.read_content(second) == services.read_content(first)
    [old_doc], [new_doc] = list(first.documents.all()), list(second.documents.all())
    assert new_doc.sha256 == old_doc.sha256
    assert new_doc.file.name != old_doc.file.name
    assert sealing.unseal_document_bytes(new_doc) == MINIMAL_PDF
    assert sealing.unseal_document_meta(new_doc)["name"] == "tilbud.pdf"
    first.refresh_from_db()
    assert first.status == Bid.Status.SUBMITTED  # still stands until the new one is submitted

    services.bid_submit(bid=second, by=lead_user)

    first.refresh_from_db()
    assert first.status == Bid.Status.REPLACED
    with pytest.raises(DomainError):
        services.bid_new_version(bid=first, by=lead_user)


def test_a_second_bid_is_a_new_version_not_a_fresh_start(tender, lead, lead_user):
    first = submitted_bid(tender=tender, supplier=lead, by=lead_user)
    with pytest.raises(DomainError) as caught:
        services.bid_start(tender=tender, supplier=lead, by=lead_user)
    assert caught.value.code == "bid_already_submitted"

    services.bid_withdraw(bid=first, by=lead_user)
    fresh = services.bid_start(tender=tender, supplier=lead, by=lead_user)
    assert fresh.version == 2 and fresh.previous is None


def test_the_receipt_is_mailed_to_the_submitter_and_the_leads_admins(
    tender, lead, lead_user, colleague, mailoutbox, django_capture_on_commit_callbacks
):
    bid = draft_bid(tender=tender, supplier=lead, by=colleague)

    with django_capture_on_commit_callbacks(execute=True):
        bid = services.bid_submit(bid=bid, by=colleague)

    mails = [m for m in mailoutbox if bid.receipt_code in m.subject]
    assert sorted(m.to[0] for m in mails) == sorted([lead_user.email, colleague.email])
    assert all(bid.content_sha256 in m.body for m in mails)
    assert all(bid.submitted_at.strftime("%Y-%m-%d %H:%M:%S UTC") in m.body for m in mails)
