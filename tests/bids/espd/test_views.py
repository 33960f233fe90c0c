"""The ESPD pages: the buyer's request, the bidding side's answers, imports and downloads, and
that no other organisation reaches any of them (404)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bids.espd import validation
from bids.espd.services import response_xml
from bids.models import EspdRequest, EspdResponse

from .conftest import needs_edm, save_complete


@pytest.fixture
def draft_eea_tender(buyer, buyer_unit):
    from tests.factories import TenderFactory

    return TenderFactory(buyer=buyer, unit=buyer_unit, threshold_band="eea")


@pytest.fixture
def other_officer(db):
    from marketplace.models import Role
    from tests.factories import BuyerFactory
    from tests.factories.bid_evaluation import buyer_user

    return buyer_user(BuyerFactory(name="Viken"), Role.PROCUREMENT_OFFICER, email="x@viken.test")


@pytest.fixture
def outsider(db):
    from tests.factories import SupplierFactory
    from tests.factories.bid_evaluation import supplier_user

    return supplier_user(SupplierFactory(name="Annen Leverandør AS"), "post@annen.test")


def test_the_buyer_chooses_the_criteria(client, procurement_officer, draft_eea_tender):
    url = reverse("bids:espd_request", kwargs={"reference": draft_eea_tender.reference})
    client.force_login(procurement_officer)
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="' in page.content.decode() and "checked" in page.content.decode()
    # when
    from bids.models import EspdCriterion

    chosen = EspdCriterion.objects.filter(code__in=["crime-org", "fraud", "gen-year-to"])
    answer = client.post(url, {"exclusion": [c.pk for c in chosen[:2]], "selection": []})
    # then
    assert answer.status_code == 302
    codes = set(
        EspdRequest.objects.get(tender=draft_eea_tender).criteria.values_list("code", flat=True)
    )
    assert {"eo-group", "relied", "subco-ent", "sme"} <= codes
    assert len(codes) == 6


def test_a_request_without_exclusion_grounds_is_refused(
    client, procurement_officer, draft_eea_tender
):
    url = reverse("bids:espd_request", kwargs={"reference": draft_eea_tender.reference})
    client.force_login(procurement_officer)
    answer = client.post(url, {"exclusion": [], "selection": []})
    assert answer.status_code == 400
    assert not EspdRequest.objects.filter(tender=draft_eea_tender).exists()


def test_another_buyer_gets_404_on_the_request(client, other_officer, draft_eea_tender):
    client.force_login(other_officer)
    url = reverse("bids:espd_request", kwargs={"reference": draft_eea_tender.reference})
    assert client.get(url).status_code == 404
    assert client.post(url, {"exclusion": []}).status_code == 404


def test_the_lead_answers_its_espd_on_the_bid_pages(client, joint_draft, lead, lead_user):
    client.force_login(lead_user)
    overview = client.get(
        reverse("bids:supplier_espd", kwargs={"public_id": joint_draft.public_id})
    )
    assert overview.status_code == 200
    assert "Vei og Sensor AS" in overview.content.decode()
    url = reverse(
        "bids:supplier_espd_answer",
        kwargs={"public_id": joint_draft.public_id, "organisation_id": lead.pk},
    )
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="Storgata 1"' in page.content.decode()  # prefilled from the profile
    # when: the form is posted back as it was, with one bad date
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data = {k: v for k, v in data.items() if v not in (None, "")}
    data["street"] = "Storgata 2"
    date_field = next(n for n in form.fields if n.endswith("_start"))
    data[date_field] = "31.12.2025"
    refused = client.post(url, data)
    # then
    assert refused.status_code == 400
    assert refused.context["form"].errors[date_field]
    assert not EspdResponse.objects.filter(bid=joint_draft).exists()
    # when fixed
    data[date_field] = "2025-01-01"
    data[date_field.replace("_start", "_end")] = "2025-12-31"
    assert client.post(url, data).status_code == 302
    assert EspdResponse.objects.filter(bid=joint_draft, organisation=lead).exists()


@pytest.mark.parametrize("who", ["partner", "outsider"])
def test_others_get_404_on_the_leads_espd(client, joint_draft, lead, partner_user, outsider, who):
    client.force_login(partner_user if who == "partner" else outsider)
    answer = reverse(
        "bids:supplier_espd_answer",
        kwargs={"public_id": joint_draft.public_id, "organisation_id": lead.pk},
    )
    assert client.get(answer).status_code == 404
    assert client.post(answer, {"street": "x"}).status_code == 404
    if who == "outsider":
        overview = reverse("bids:supplier_espd", kwargs={"public_id": joint_draft.public_id})
        assert client.get(overview).status_code == 404


MALFORMED = [
    ("espd.xml", b"<QualificationApplicationResponse><cbc:ID>1</cbc:ID>", "espd_malformed"),
    (
        "espd.xml",
        b"<?xml version='1.0'?><!DOCTYPE lol [<!ENTITY lol 'lol'>]><a>&lol;</a>",
        "document_not_xml",
    ),
    ("espd.xml", b"<?xml version='1.0'?><Invoice xmlns='urn:x'/>", "espd_not_a_response"),
    ("espd.pdf", b"%PDF-1.4 not xml", "document_extension_not_allowed"),
]


@pytest.mark.parametrize(("name", "data", "code"), MALFORMED)
def test_a_malformed_upload_gets_a_clear_error_and_changes_nothing(
    client, joint_draft, lead, lead_user, name, data, code
):
    from bids.espd.importing import espd_response_import
    from marketplace.uploads import UploadRejected

    before = save_complete(joint_draft, lead, lead_user)
    # the service refuses with a stable code, on the file field
    with pytest.raises(UploadRejected) as refused:
        espd_response_import(
            bid=joint_draft,
            organisation=lead,
            uploaded=SimpleUploadedFile(name, data),
            by=lead_user,
        )
    assert (refused.value.code, refused.value.field) == (code, "file")
    # the page shows it as the file's error
    client.force_login(lead_user)
    url = reverse(
        "bids:supplier_espd_import",
        kwargs={"public_id": joint_draft.public_id, "organisation_id": lead.pk},
    )
    answer = client.post(url, {"file": SimpleUploadedFile(name, data)})
    assert answer.status_code == 400
    assert answer.context["import_form"].errors["file"] == [refused.value.message] or (
        len(answer.context["import_form"].errors["file"]) == 1
    )
    # and nothing changed
    after = EspdResponse.objects.get(pk=before.pk)
    assert bytes(after.sealed_answers) == bytes(before.sealed_answers)
    assert after.imported is False
    assert EspdResponse.objects.filter(bid=joint_draft).count() == 1


@needs_edm
def test_an_espd_made_elsewhere_imports_and_still_validates(
    client, joint_draft, lead, lead_user, partner, partner_user
):
    from bids.espd.services import read_response

    # given: an ESPD XML (as another tool would write it), then the answers changed here
    original = save_complete(joint_draft, lead, lead_user)
    exported = response_xml(original)
    answers = read_response(original).answers
    EspdResponse.objects.filter(pk=original.pk).delete()
    client.force_login(lead_user)
    url = reverse(
        "bids:supplier_espd_import",
        kwargs={"public_id": joint_draft.public_id, "organisation_id": lead.pk},
    )
    # when
    answer = client.post(url, {"file": SimpleUploadedFile("espd.xml", exported)})
    # then
    assert answer.status_code == 302
    imported = EspdResponse.objects.get(bid=joint_draft, organisation=lead)
    assert imported.imported and imported.is_complete
    assert read_response(imported).answers == answers
    assert validation.errors(response_xml(imported)) == []
    # and the partner's file is not accepted as the lead's
    save_complete(joint_draft, partner, partner_user)
    partner_xml = response_xml(EspdResponse.objects.get(bid=joint_draft, organisation=partner))
    refused = client.post(url, {"file": SimpleUploadedFile("espd.xml", partner_xml)})
    assert refused.status_code == 400
    assert partner.org_number in " ".join(refused.context["import_form"].errors["file"])
    assert EspdResponse.objects.get(bid=joint_draft, organisation=lead).pk == imported.pk


@needs_edm
def test_the_buyer_downloads_the_espd_only_after_opening(
    client, joint_draft, lead, lead_user, partner, partner_user, buyer
):
    from bids.services.bids import bid_submit
    from bids.services.opening import opening_start
    from marketplace.models import Role
    from tests.factories.bid_evaluation import buyer_user

    save_complete(joint_draft, lead, lead_user)
    save_complete(joint_draft, partner, partner_user)
    bid = bid_submit(bid=joint_draft, by=lead_user)
    tender = bid.tender
    url = reverse(
        "bids:bids_espd_download",
        kwargs={
            "reference": tender.reference,
            "public_id": bid.public_id,
            "organisation_id": lead.pk,
        },
    )
    opener = buyer_user(buyer, Role.BID_OPENER, unit=tender.unit, email="apner@afk.test")
    client.force_login(opener)
    # before opening: sealed
    assert client.get(url).status_code == 403
    # after opening
    opening_start(
        tender=tender, by=opener, now=tender.submission_deadline + datetime.timedelta(minutes=1)
    )
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/xml")
    assert validation.errors(download.content) == []


@needs_edm
def test_after_opening_the_officer_records_an_espd_the_bidder_sent(
    client,
    joint_draft,
    lead,
    lead_user,
    partner,
    partner_user,
    buyer,
    procurement_officer,
    other_officer,
):
    from bids.espd.services import read_response
    from bids.services.bids import bid_submit
    from bids.services.opening import opening_start
    from marketplace.models import AuditEvent, Role
    from tests.factories.bid_evaluation import buyer_user

    save_complete(joint_draft, lead, lead_user)
    partner_response = save_complete(joint_draft, partner, partner_user)
    sent = response_xml(partner_response)  # as the partner would send it by e-mail
    bid = bid_submit(bid=joint_draft, by=lead_user)
    tender = bid.tender
    url = reverse(
        "bids:bids_espd_import", kwargs={"reference": tender.reference, "public_id": bid.public_id}
    )
    client.force_login(procurement_officer)
    # before opening: sealed
    assert client.get(url).status_code == 403
    opener = buyer_user(buyer, Role.BID_OPENER, unit=tender.unit, email="apner@afk.test")
    opening_start(
        tender=tender, by=opener, now=tender.submission_deadline + datetime.timedelta(minutes=1)
    )
    # another buyer's officer does not find it
    client.force_login(other_officer)
    assert client.get(url).status_code == 404
    # when the tender's officer records it
    client.force_login(procurement_officer)
    answer = client.post(
        url, {"organisation": partner.pk, "file": SimpleUploadedFile("espd.xml", sent)}
    )
    # then
    assert answer.status_code == 302
    recorded = EspdResponse.objects.get(bid=bid, organisation=partner)
    assert recorded.imported
    assert read_response(recorded).party.name == "Vei og Sensor AS"
    assert AuditEvent.objects.filter(action="bid.espd_imported_by_buyer").exists()
