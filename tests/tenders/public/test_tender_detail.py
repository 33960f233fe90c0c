"""A tender's public page: what it shows, who may see a draft, Doffin tenders, Q&A, history."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from marketplace.models import Role
from tests.conftest import with_totp
from tests.factories import BuyerFactory, MembershipFactory, OrganisationUnitFactory, UserFactory
from tests.factories.tenders import (
    AmendmentFactory,
    LotFactory,
    QualificationRequirementFactory,
    QuestionFactory,
    TenderDocumentFactory,
    TenderFactory,
)
from tests.html_helpers import parse

pytestmark = pytest.mark.django_db

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def url(tender, language: str = "en") -> str:
    prefix = "/en" if language == "en" else ""
    return f"{prefix}/konkurranser/{tender.reference}/"


def test_published_tender_shows_facts_lots_criteria_requirements_and_documents(client, cpv, places):
    tender = TenderFactory(
        published=True,
        title="Snow clearing",
        main_cpv=cpv["90500000"],
        additional_cpv=[cpv["45000000"]],
        municipalities=[places["asker"]],
        max_lots_per_bidder=1,
        criteria=[60, 40],
    )
    LotFactory(
        tender=tender,
        number=1,
        title="North",
        suitable_for_smb=True,
        cpv_codes=[cpv["90500000"]],
        municipalities=[places["baerum"]],
    )
    LotFactory(tender=tender, number=2, title="South")
    QualificationRequirementFactory(tender=tender, text="Must hold a licence.")
    document = TenderDocumentFactory(tender=tender, title="Tender documents")
    TenderDocumentFactory(tender=tender, title="Removed", removed_at=timezone.now())

    page = parse(client.get(url(tender)))

    assert page.first("h1").text == "Snow clearing"
    facts = page.first("section", aria_labelledby="facts-heading").text
    assert "90500000 Refuse and waste related services" in facts
    assert "45000000 Construction work" in facts
    assert "Asker" in facts
    lots = page.first("section", aria_labelledby="lots-heading")
    assert lots.first("h2").text == "2 lots"
    assert "One bidder may win at most 1 lot." in lots.text
    assert [h.text for h in lots.select("h3")] == ["Lot 1: North", "Lot 2: South"]
    assert "Suitable for small and medium businesses" in lots.first("li", id="lot-1").text
    assert "Bærum" in lots.first("li", id="lot-1").text
    criteria = page.first("section", aria_labelledby="criteria-heading")
    assert [td.text for td in criteria.select("td", class_="align-right")] == ["60 %", "40 %"]
    assert (
        "Must hold a licence." in page.first("section", aria_labelledby="requirements-heading").text
    )
    documents = page.first("section", aria_labelledby="documents-heading")
    links = documents.select("a")
    assert [link.text for link in links] == ["Tender documents"]
    assert links[0].get("href") == f"/en/konkurranser/{tender.reference}/dokumenter/{document.pk}/"
    assert "Removed" not in documents.text


def test_description_is_sanitised(client):
    tender = TenderFactory(
        published=True,
        description=(
            '<p>Fine <strong>text</strong></p><script>alert(1)</script><img src=x onerror="x()">'
        ),
    )

    html = client.get(url(tender)).content.decode()

    assert "<p>Fine <strong>text</strong></p>" in html
    assert "<script>alert(1)" not in html
    assert "onerror" not in html


def test_deadline_after_the_october_change_is_shown_at_noon_oslo_time(client):
    noon = datetime.datetime(2030, 11, 4, 12, 0, tzinfo=OSLO)
    tender = TenderFactory(
        published=True,
        question_deadline=noon - datetime.timedelta(days=7),
        submission_deadline=noon,
    )

    page = parse(client.get(url(tender)))

    time = page.first("section", aria_labelledby="facts-heading").first("time")
    assert time.get("datetime") == "2030-11-04T11:00:00Z"
    assert time.text == "4 November 2030 at 12:00 (Oslo time, CET)"


# -- drafts and references --------------------------------------------------------------------


def test_unknown_reference_is_404(client):
    assert client.get("/en/konkurranser/NOPE-2026-0001/").status_code == 404


def test_draft_is_404_for_anonymous_suppliers_and_other_buyers(client, supplier_admin):
    draft = TenderFactory(title="Secret draft")
    other_buyer_officer = with_totp(UserFactory())
    MembershipFactory(
        user=other_buyer_officer, organisation=BuyerFactory(), role=Role.PROCUREMENT_OFFICER
    )

    assert client.get(url(draft)).status_code == 404
    client.force_login(supplier_admin)
    assert client.get(url(draft)).status_code == 404
    client.force_login(other_buyer_officer)
    assert client.get(url(draft)).status_code == 404


def test_draft_is_404_for_an_officer_of_another_unit_of_the_same_buyer(client, buyer):
    draft = TenderFactory(buyer=buyer)
    officer = with_totp(UserFactory())
    MembershipFactory(
        user=officer,
        organisation=buyer,
        role=Role.PROCUREMENT_OFFICER,
        unit=OrganisationUnitFactory(organisation=buyer),
    )
    client.force_login(officer)

    assert client.get(url(draft)).status_code == 404


def test_buyer_sees_own_draft_marked_as_a_draft(buyer_client, buyer, buyer_unit):
    draft = TenderFactory(buyer=buyer, unit=buyer_unit, title="Our draft")

    response = buyer_client.get(url(draft))

    assert response.status_code == 200
    page = parse(response)
    assert "This is a draft." in page.first("main").text
    assert page.first("a", href=f"/en/innkjop/konkurranser/{draft.reference}/")
    assert page.select("section", id="questions") == []


# -- Doffin -----------------------------------------------------------------------------------


def test_doffin_tender_is_read_only_and_links_out(client, supplier_client):
    tender = TenderFactory(external=True, title="Imported", description="Line one\nLine <b>two</b>")

    page = parse(supplier_client.get(url(tender)))

    link = page.first("a", href=tender.external_url)
    assert link.text.startswith("Open the notice on Doffin")
    assert "Oslo kommune" in page.first("p", class_="tender-page__buyer").text
    assert [tag.text for tag in page.select("span", class_="ds-tag")] == ["Doffin"]
    assert "Line <b>two</b>" in page.first("div", class_="tender-description").text
    assert page.select("section", aria_labelledby="documents-heading") == []
    assert page.select("section", id="questions") == []
    assert page.select("form", class_="dialogue-follow__form") == []


# -- questions and answers, follow ------------------------------------------------------------


def test_published_answers_are_shown_without_the_asker(client, supplier):
    tender = TenderFactory(published=True)
    QuestionFactory(
        tender=tender,
        asked_by_organisation=supplier,
        asked_by=UserFactory(full_name="Ola Spørsmålsen", email="ola@fjordlys.test"),
        answered=True,
        published_question="May we offer alternatives?",
        answer="No, alternative offers are not allowed.",
    )
    QuestionFactory(tender=tender, text="An unanswered question")

    html = client.get(url(tender)).content.decode()
    page = parse(html)

    questions = page.first("section", id="questions")
    assert "May we offer alternatives?" in questions.text
    assert "No, alternative offers are not allowed." in questions.text
    assert "An unanswered question" not in html
    for identifying in ("Fjordlys", "Ola Spørsmålsen", "ola@fjordlys.test"):
        assert identifying not in html


def test_signed_in_user_gets_the_follow_form(supplier_client):
    tender = TenderFactory(published=True)

    page = parse(supplier_client.get(url(tender)))

    form = page.first("form", class_="dialogue-follow__form")
    assert form.get("action") == f"/en/konkurranser/{tender.reference}/folg/"


# -- history ----------------------------------------------------------------------------------


def test_history_lists_lifecycle_steps_and_amendments_with_their_changes(client):
    tender = TenderFactory(published=True)
    before = datetime.datetime(2030, 11, 4, 11, 0, tzinfo=datetime.UTC)
    AmendmentFactory(
        tender=tender,
        number=1,
        summary="The deadline is extended by a week.",
        is_deadline_extension=True,
        changes={
            "submission_deadline": {
                "before": before.isoformat(),
                "after": (before + datetime.timedelta(days=7)).isoformat(),
            },
            "lot_details": {"before": ["1. North"], "after": ["1. North", "2. South"]},
            "joint_bids_allowed": {"before": True, "after": False},
            "is_unknown_key": {"before": 1, "after": 2},
        },
    )
    AmendmentFactory(tender=tender, number=2, summary="A typo fixed.", changes={})

    page = parse(client.get(url(tender)))

    history = page.first("section", aria_labelledby="history-heading")
    entries = history.select("li", class_="tender-timeline__entry")
    assert [entry.get("data-kind") for entry in entries] == ["published", "amended", "amended"]
    assert entries[1].first("h3").text == "Amendment 1: deadline extended"
    rows = [
        [cell.text for cell in row.iter() if cell.tag in {"th", "td"}]
        for row in entries[1].select("tr")
    ][1:]
    assert rows == [
        ["Joint bids allowed", "Yes", "No"],
        [
            "Submission deadline",
            "4 November 2030 at 12:00 (Oslo time, CET)",
            "11 November 2030 at 12:00 (Oslo time, CET)",
        ],
        ["Lots", "1. North", "1. North; 2. South"],
        ["Is unknown key", "1", "2"],
    ]
    assert entries[2].first("h3").text == "Amendment 2"
    assert entries[2].select("table") == []


def test_cancelled_tender_shows_why(client):
    tender = TenderFactory(cancelled=True, cancellation_reason="The need has changed.")

    page = parse(client.get(url(tender)))

    history = page.first("section", aria_labelledby="history-heading")
    assert [e.get("data-kind") for e in history.select("li")] == ["published", "cancelled"]
    assert "The need has changed." in history.text
    assert [tag.text for tag in page.select("span", class_="ds-tag")] == ["Cancelled"]


def test_detail_in_bokmal(client, bokmal):
    tender = TenderFactory(published=True, lots=2)

    page = parse(client.get(url(tender, "nb")))

    assert page.first("h2", id="lots-heading").text == "2 delkontrakter"
    assert page.first("h2", id="history-heading").text == "Historikk"


def test_detail_query_count(client, cpv, places, django_assert_max_num_queries):
    tender = TenderFactory(published=True, additional_cpv=[cpv["45000000"]])
    for number in range(1, 6):
        LotFactory(
            tender=tender,
            number=number,
            cpv_codes=[cpv["72000000"]],
            municipalities=[places["asker"]],
        )
        TenderDocumentFactory(tender=tender)
        AmendmentFactory(tender=tender, number=number)
        QuestionFactory(tender=tender, answered=True)

    with django_assert_max_num_queries(20):
        response = client.get(url(tender))

    assert response.status_code == 200
