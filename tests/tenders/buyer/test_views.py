"""The buyer's pages through the client: workspace, create, edit/amend, actions, 404s."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tenders.models import Amendment, Tender
from tests.factories import BuyerFactory, OrganisationUnitFactory, TenderFactory
from tests.factories.tenders import MINIMAL_PDF

pytestmark = pytest.mark.django_db


def _en(name, **kwargs):
    with translation.override("en"):
        return reverse(f"tenders:{name}", kwargs=kwargs)


def _local(days: int, hour: int = 12) -> str:
    """A form value: Oslo local time ``days`` from now."""
    when = timezone.localtime() + datetime.timedelta(days=days)
    return when.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def _management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _tender_post(unit, **overrides) -> dict:
    data = {
        "title": "Skoleskyss",
        "unit": str(unit.pk),
        "description": "<p>Skyss for elever</p>",
        "procedure": "open",
        "contract_type": "services",
        "estimated_value": "1500000",
        "main_cpv": "72000000",
        "question_deadline": _local(10),
        "submission_deadline": _local(20),
        "joint_bids_allowed": "on",
        "subcontracting_allowed": "on",
        **_management("lots", 2),
        "lots-0-title": "Nord",
        "lots-0-suitable_for_smb": "on",
        "lots-1-title": "Sør",
        **_management("criteria", 2),
        "criteria-0-name": "Pris",
        "criteria-0-weight": "60",
        "criteria-0-kind": "price",
        "criteria-1-name": "Klima og miljø",
        "criteria-1-weight": "40",
        "criteria-1-kind": "climate",
        **_management("requirements", 1),
        "requirements-0-text": "Godkjent for sikkerhet",
    }
    data.update(overrides)
    return data


def test_workspace_lists_drafts_and_upcoming_deadlines(
    buyer_client, draft, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        response = buyer_client.get(_en("buyer_workspace"))
    assert response.status_code == 200
    body = response.content.decode()
    assert draft.reference in body and published.reference in body
    assert "CET" in body or "CEST" in body  # deadlines in Oslo time, zone named


def test_workspace_is_forbidden_to_suppliers(supplier_client):
    assert supplier_client.get(_en("buyer_workspace")).status_code == 403


def test_create_then_publish_through_the_pages(buyer_client, buyer_unit, main_cpv):
    response = buyer_client.post(_en("buyer_tender_create"), _tender_post(buyer_unit))
    assert response.status_code == 302, response.content.decode()[:3000]
    tender = Tender.objects.get(title="Skoleskyss")
    assert [lot.title for lot in tender.lots.all()] == ["Nord", "Sør"]
    assert tender.lots.get(number=1).suitable_for_smb
    assert tender.question_deadline.astimezone(timezone.get_current_timezone()).hour == 12
    # when
    response = buyer_client.post(_en("tender_publish", reference=tender.reference))
    # then
    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.status == Tender.Status.PUBLISHED


def test_create_shows_field_errors_in_english_and_norwegian(
    buyer_client, buyer_unit, procurement_officer
):
    data = _tender_post(buyer_unit, title="", main_cpv="99999999")
    response = buyer_client.post(_en("buyer_tender_create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "This field is required." in body
    assert "Unknown CPV code." in body
    assert 'aria-describedby="id_title_error"' in body or "id_title_error" in body
    norwegian = Client()
    norwegian.force_login(procurement_officer)
    response = norwegian.post("/innkjop/konkurranser/ny/", data)
    assert "Dette feltet er påkrevet." in response.content.decode()


def test_publishing_an_unready_tender_explains_why(buyer_client, buyer, buyer_unit, main_cpv):
    tender = TenderFactory(buyer=buyer, unit=buyer_unit, main_cpv=main_cpv, criteria=[50])
    response = buyer_client.post(_en("tender_publish", reference=tender.reference), follow=True)
    assert "must add up to 100" in response.content.decode()
    tender.refresh_from_db()
    assert tender.status == Tender.Status.DRAFT


def test_amend_a_published_tender_through_the_form(buyer_client, published):
    url = _en("buyer_tender_edit", reference=published.reference)
    form = buyer_client.get(url)
    assert "What changed and why" in form.content.decode()
    lots = list(published.lots.all())
    data = _tender_post(
        published.unit,
        title="Nytt navn",
        description=published.description,
        question_deadline=timezone.localtime(published.question_deadline).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        submission_deadline=timezone.localtime(published.submission_deadline).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        summary="Nytt navn på konkurransen.",
        **{
            "lots-0-id": str(lots[0].pk),
            "lots-0-title": lots[0].title,
            "lots-1-id": str(lots[1].pk),
            "lots-1-title": lots[1].title,
            "lots-1-suitable_for_smb": "",
            "lots-0-suitable_for_smb": "",
            "lots-0-description": lots[0].description,
            "lots-1-description": lots[1].description,
            "lots-0-estimated_value": "750000",
            "lots-1-estimated_value": "750000",
            "criteria-0-weight": "100",
            "criteria-0-name": published.criteria.get().name,
            "criteria-0-description": published.criteria.get().description,
            "criteria-0-kind": "quality",
            "criteria-1-name": "",
            "criteria-1-weight": "",
            "criteria-1-kind": "quality",  # the empty extra form, as the page renders it
            "requirements-0-text": "",
            **_management("lots", 2, 2),
            **_management("requirements", 1),
            **_management("criteria", 2, 1),
        },
    )
    response = buyer_client.post(url, data)
    assert response.status_code == 302
    amendment = Amendment.objects.get(tender=published)
    assert amendment.changes["title"]["after"] == "Nytt navn"


def test_extend_deadline_and_cancel_pages(buyer_client, published):
    new = _local(40)
    response = buyer_client.post(
        _en("tender_extend_deadline", reference=published.reference),
        {"submission_deadline": new, "reason": "Mer tid"},
    )
    assert response.status_code == 302
    assert Amendment.objects.get(tender=published).is_deadline_extension
    response = buyer_client.post(
        _en("tender_cancel", reference=published.reference), {"reason": ""}
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    response = buyer_client.post(
        _en("tender_cancel", reference=published.reference), {"reason": "Avlyst"}
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == Tender.Status.CANCELLED


def test_transitions_are_post_only(buyer_client, draft):
    assert buyer_client.get(_en("tender_publish", reference=draft.reference)).status_code == 405


def test_upload_through_the_page_and_a_refused_file(buyer_client, draft):
    url = _en("tender_document_upload", reference=draft.reference)
    ok = buyer_client.post(url, {"file": SimpleUploadedFile("a.pdf", MINIMAL_PDF)})
    assert ok.status_code == 302 and draft.documents.count() == 1
    bad = buyer_client.post(url, {"file": SimpleUploadedFile("a.pdf", b"#!/bin/sh\nrm -rf /")})
    assert bad.status_code == 400
    assert "This kind of file cannot be uploaded" in bad.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "buyer_tender_detail",
        "buyer_tender_edit",
        "tender_extend_deadline",
        "tender_cancel",
    ],
)
def test_other_organisations_and_units_get_404(client, other_unit_officer, name):
    foreign = TenderFactory(
        buyer=(buyer := BuyerFactory()),
        unit=OrganisationUnitFactory(organisation=buyer),
        published=True,
    )
    client.force_login(other_unit_officer)
    assert client.get(_en(name, reference=foreign.reference)).status_code == 404
    # the same buyer's tender in another unit is not theirs either
    own_buyer_other_unit = TenderFactory(
        buyer=other_unit_officer.memberships.get().organisation, published=True
    )
    assert client.get(_en(name, reference=own_buyer_other_unit.reference)).status_code == 404


def test_post_actions_on_another_units_tender_are_404(client, other_unit_officer, published):
    client.force_login(other_unit_officer)
    for name in ("tender_publish", "tender_start_evaluation"):
        assert client.post(_en(name, reference=published.reference)).status_code == 404
    published.refresh_from_db()
    assert published.status == Tender.Status.PUBLISHED
