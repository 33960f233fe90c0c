"""ESPD responses in a joint bid: prefill, completeness before submission, the XML (XSD and
business rules), sealing, and a new version."""

from __future__ import annotations

import pytest

from bids.espd import validation
from bids.espd.services import (
    espd_problems,
    espd_response_save,
    read_response,
    request_criteria,
    request_for,
    response_content_or_prefill,
    response_xml,
)
from bids.models import EspdResponse
from bids.services.bids import BidIncomplete, bid_new_version, bid_submit

from .conftest import complete_answers, needs_edm, save_complete


def test_prefill_comes_from_the_profile(joint_draft, lead):
    # when
    content = response_content_or_prefill(joint_draft, lead)
    # then
    party = content.party
    assert (party.org_number, party.name) == (lead.org_number, "Fjordlys Teknologi AS")
    assert (party.street, party.postal_code, party.city) == ("Storgata 1", "0155", "Oslo")
    assert party.size == lead.profile.sme_category
    assert content.answers["C65_OT_sme/QG1/Q1"] == "true"  # an SME, from the profile's size


def test_submit_is_refused_until_every_member_has_completed_its_espd(
    joint_draft, lead, lead_user, partner, partner_user
):
    # given: the lead has answered, the partner not yet
    save_complete(joint_draft, lead, lead_user)
    # when / then
    with pytest.raises(BidIncomplete) as refused:
        bid_submit(bid=joint_draft, by=lead_user)
    assert [field for field, _message in refused.value.problems] == ["espd"]
    assert "Vei og Sensor AS" in refused.value.problems[0][1]
    joint_draft.refresh_from_db()
    assert joint_draft.status == "draft"
    # when the partner answers its own part
    save_complete(joint_draft, partner, partner_user)
    # then
    assert espd_problems(joint_draft) == []
    assert bid_submit(bid=joint_draft, by=lead_user).status == "submitted"


def test_an_incomplete_answer_keeps_the_response_incomplete(joint_draft, lead, lead_user):
    content = response_content_or_prefill(joint_draft, lead)
    criteria = request_criteria(request_for(joint_draft.tender))
    answers = complete_answers(criteria)
    answers["C12_EG_bankruptcy/QG1/Q1"] = "true"  # bankrupt: now "please describe" is asked
    content.answers = answers
    response = espd_response_save(bid=joint_draft, organisation=lead, content=content, by=lead_user)
    assert response.is_complete is False
    assert any("Fjordlys" in message for _f, message in espd_problems(joint_draft))


def test_a_member_cannot_answer_for_the_lead(joint_draft, lead, partner_user):
    from marketplace.errors import PermissionDenied

    content = response_content_or_prefill(joint_draft, lead)
    with pytest.raises(PermissionDenied):
        espd_response_save(bid=joint_draft, organisation=lead, content=content, by=partner_user)
    assert not EspdResponse.objects.filter(bid=joint_draft).exists()


def test_the_response_is_sealed(joint_draft, lead, lead_user):
    from bids import public

    response = save_complete(joint_draft, lead, lead_user)
    stored = bytes(EspdResponse.objects.get(pk=response.pk).sealed_answers)
    for plain in (b"Fjordlys", lead.org_number.encode(), b"Storgata", b"ladestasjoner"):
        assert plain not in stored
    assert read_response(response).party.street == "Storgata 1"
    assert not public.opened_bids().filter(pk=joint_draft.pk).exists()


def test_a_new_version_keeps_the_responses_under_its_own_key(
    joint_draft, lead, lead_user, partner, partner_user
):
    save_complete(joint_draft, lead, lead_user)
    save_complete(joint_draft, partner, partner_user)
    submitted = bid_submit(bid=joint_draft, by=lead_user)
    # when
    new = bid_new_version(bid=submitted, by=lead_user)
    # then
    copy = EspdResponse.objects.get(bid=new, organisation=lead)
    assert read_response(copy).party.street == "Storgata 1"
    assert bytes(copy.sealed_answers) != bytes(
        EspdResponse.objects.get(bid=submitted, organisation=lead).sealed_answers
    )


@needs_edm
def test_the_joint_bids_espd_responses_validate(
    joint_draft, lead, lead_user, partner, partner_user
):
    # given
    lead_response = save_complete(joint_draft, lead, lead_user)
    partner_response = save_complete(joint_draft, partner, partner_user)
    # when
    lead_xml = response_xml(lead_response)
    partner_xml = response_xml(partner_response)
    # then
    assert b">group-lead<" in lead_xml and b">group-mem<" in partner_xml
    assert b"Fjordlys Teknologi AS / Vei og Sensor AS" in lead_xml
    assert validation.errors(lead_xml) == []
    assert validation.errors(partner_xml) == []


@needs_edm
def test_the_validator_finds_a_broken_response(joint_draft, lead, lead_user):
    """The rules are really run: an answer that contradicts its question is caught."""
    xml = response_xml(save_complete(joint_draft, lead, lead_user))
    broken = xml.replace(
        b'<cbc:UBLVersionID schemeAgencyID="OASIS-UBL-TC">2.3<',
        b'<cbc:UBLVersionID schemeAgencyID="OASIS-UBL-TC">2.2<',
    )
    assert broken != xml
    assert "BR-OTH-05-01" in {finding.rule for finding in validation.errors(broken)}
