"""The ESPD responses are on the bid's receipt and in the opening protocol, and
``verify_bid_integrity`` finds a response changed, swapped in or removed after submission."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from bids.espd.integrity import response_sha256
from bids.espd.services import (
    ResponseContent,
    espd_response_record_by_buyer,
    espd_response_save,
    read_response,
)
from bids.models import Bid, EspdResponse
from bids.services import sealing
from bids.services.bids import bid_submit
from bids.services.receipts import receipt_text

from .conftest import save_complete


def verify() -> str:
    out = io.StringIO()
    call_command("verify_bid_integrity", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def submitted(joint_draft, lead, lead_user, partner, partner_user) -> Bid:
    save_complete(joint_draft, lead, lead_user)
    save_complete(joint_draft, partner, partner_user)
    return bid_submit(bid=joint_draft, by=lead_user)


def open_bids(tender, buyer):
    from bids.services.opening import opening_start
    from marketplace.models import Role
    from tests.factories.bid_evaluation import buyer_user

    opener = buyer_user(buyer, Role.BID_OPENER, unit=tender.unit, email="apner@afk.test")
    return opening_start(
        tender=tender, by=opener, now=tender.submission_deadline + datetime.timedelta(minutes=1)
    )


def test_the_receipt_lists_each_espd_response_with_its_hash(submitted, lead, partner):
    # then: one entry per organisation, lead first, each hash over its role and answers
    entries = submitted.espd_receipt
    assert [(e["organisation"], e["role"]) for e in entries] == [
        (lead.pk, "group-lead"),
        (partner.pk, "group-mem"),
    ]
    for entry in entries:
        response = EspdResponse.objects.get(bid=submitted, organisation_id=entry["organisation"])
        content = sealing.unseal_espd(response)
        assert (
            entry["sha256"]
            == response.sha256
            == response_sha256(org_number=entry["org_number"], role=entry["role"], content=content)
        )
    # the role is part of what is hashed
    assert entries[0]["sha256"] != response_sha256(
        org_number=lead.org_number,
        role="sole-tenderer",
        content=sealing.unseal_espd(EspdResponse.objects.get(bid=submitted, organisation=lead)),
    )
    with translation.override("en"):
        text = receipt_text(submitted)
    assert "ESPD responses:" in text
    assert f"Fjordlys Teknologi AS ({lead.org_number})" in text
    assert f"Vei og Sensor AS ({partner.org_number})" in text
    for entry in entries:
        assert f"SHA-256: {entry['sha256']}" in text
    assert verify().strip().endswith("2 ESPD responses match their receipts.")


def test_the_receipt_page_lists_the_espd_hashes(client, submitted, lead_user):
    from django.urls import reverse

    client.force_login(lead_user)
    page = client.get(reverse("bids:supplier_receipt", kwargs={"public_id": submitted.public_id}))
    assert page.status_code == 200
    for entry in submitted.espd_receipt:
        assert entry["sha256"] in page.content.decode()


def test_an_answer_changed_after_submission_fails_verification(submitted, lead):
    # given: someone with the keys re-seals the lead's response with another answer
    response = EspdResponse.objects.get(bid=submitted, organisation=lead)
    content = read_response(response)
    content.party = type(content.party).from_dict(
        {**content.party.to_dict(), "contact_name": "Someone Else"}
    )
    sealing.seal_espd(response, content.to_dict())
    EspdResponse.objects.filter(pk=response.pk).update(sealed_answers=response.sealed_answers)
    # when / then
    with pytest.raises(CommandError) as failure:
        verify()
    message = str(failure.value)
    assert f"bid {submitted.public_id} (receipt {submitted.receipt_code})" in message
    assert f"the ESPD response of {lead.org_number}: SHA-256 " in message
    assert "differs from the receipt's " + response.sha256 in message


def test_an_older_version_of_a_response_swapped_in_fails_verification(
    joint_draft, lead, lead_user, partner, partner_user
):
    # given: the lead saved a first answer, then changed it before submitting
    first = save_complete(joint_draft, lead, lead_user)
    old_sealed = bytes(first.sealed_answers)
    content = read_response(first)
    content.party = type(content.party).from_dict(
        {**content.party.to_dict(), "contact_phone": "+47 22 00 00 00"}
    )
    espd_response_save(bid=joint_draft, organisation=lead, content=content, by=lead_user)
    save_complete(joint_draft, partner, partner_user)
    bid = bid_submit(bid=joint_draft, by=lead_user)
    assert "2 ESPD responses" in verify()
    # when the first answer is put back in the database (it decrypts: same bid, same organisation)
    EspdResponse.objects.filter(bid=bid, organisation=lead).update(sealed_answers=old_sealed)
    # then
    with pytest.raises(CommandError) as failure:
        verify()
    assert f"the ESPD response of {lead.org_number}: SHA-256" in str(failure.value)


def test_a_response_swapped_with_another_organisations_fails(submitted, lead, partner):
    partners = EspdResponse.objects.get(bid=submitted, organisation=partner)
    EspdResponse.objects.filter(bid=submitted, organisation=lead).update(
        sealed_answers=partners.sealed_answers, sha256=partners.sha256
    )
    with pytest.raises(CommandError) as failure:
        verify()
    assert f"the ESPD response of {lead.org_number} does not decrypt" in str(failure.value)


def test_a_removed_response_fails(submitted, partner):
    EspdResponse.objects.filter(bid=submitted, organisation=partner).delete()
    with pytest.raises(CommandError) as failure:
        verify()
    assert f"the ESPD response of {partner.org_number} on the receipt is missing" in str(
        failure.value
    )


def test_a_response_not_on_the_receipt_fails(submitted, lead, partner):
    # given: the receipt is made to name only the lead
    Bid.objects.filter(pk=submitted.pk).update(espd_receipt=submitted.espd_receipt[:1])
    # when / then: the partner's response is not on it
    with pytest.raises(CommandError) as failure:
        verify()
    assert f"the ESPD response of {partner.org_number} is not on the receipt" in str(failure.value)


def test_the_opening_protocol_lists_the_espd_hashes(submitted, buyer, partner):
    opening = open_bids(submitted.tender, buyer)
    (entry,) = opening.protocol["bids"]
    assert entry["espd"] == [
        {
            "name": "Fjordlys Teknologi AS",
            "org_number": submitted.supplier.org_number,
            "role": "group-lead",
            "sha256": submitted.espd_receipt[0]["sha256"],
        },
        {
            "name": "Vei og Sensor AS",
            "org_number": partner.org_number,
            "role": "group-mem",
            "sha256": submitted.espd_receipt[1]["sha256"],
        },
    ]


def test_a_response_the_officer_records_after_opening_still_verifies(
    submitted, buyer, partner, procurement_officer
):
    # given: the bids are opened and the officer records a newer ESPD the partner sent
    open_bids(submitted.tender, buyer)
    response = EspdResponse.objects.get(bid=submitted, organisation=partner)
    content = read_response(response)
    newer = ResponseContent.from_dict(content.to_dict())
    newer.party = type(newer.party).from_dict(
        {**newer.party.to_dict(), "contact_name": "Kari Nordmann"}
    )
    espd_response_record_by_buyer(
        bid=submitted, organisation=partner, content=newer, by=procurement_officer
    )
    recorded = EspdResponse.objects.get(pk=response.pk)
    # then: the row has the new hash, the receipt keeps the submitted one, and both pass
    assert recorded.sha256 != response.sha256
    submitted.refresh_from_db()
    assert submitted.espd_receipt[1]["sha256"] == response.sha256
    assert "2 ESPD responses match" in verify()
    # but a change after that recording is found
    sealing.seal_espd(recorded, content.to_dict())
    EspdResponse.objects.filter(pk=recorded.pk).update(sealed_answers=recorded.sealed_answers)
    with pytest.raises(CommandError):
        verify()


def test_a_bid_without_espd_is_unchanged(db):
    from tests.factories.bids import submitted_bid, tender_ready_for_bids

    bid = submitted_bid(tender=tender_ready_for_bids())
    assert bid.espd_receipt == []
    assert "ESPD" not in receipt_text(bid)
    assert verify().strip() == (
        "Bid integrity intact: 1 submitted bids, 0 documents (0 bytes decrypted) "
        "match their receipts."
    )
