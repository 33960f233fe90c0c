"""GET /api/tenders/ and /api/tenders/<reference>/: public tenders only, filtered and paged."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import LotFactory, TenderFactory, cpv_code

pytestmark = pytest.mark.django_db


def references(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["reference"] for row in response.json()["results"]]


@pytest.fixture
def it_code(db):
    cpv_code("72000000", "IT services")
    return cpv_code("72212000", "Programming services of application software")


def test_list_shows_public_tenders_never_drafts(client, buyer, django_assert_max_num_queries):
    published = TenderFactory(buyer=buyer, published=True, lots=2)
    closed = TenderFactory(buyer=buyer, closed=True)
    external = TenderFactory(external=True)
    TenderFactory(buyer=buyer)  # a draft
    for _ in range(5):
        TenderFactory(buyer=buyer, published=True)

    with django_assert_max_num_queries(6):
        response = client.get("/api/tenders/")

    found = references(response)
    assert response.json()["count"] == 8
    assert {published.reference, closed.reference, external.reference} <= set(found)
    row = next(r for r in response.json()["results"] if r["reference"] == external.reference)
    assert row["source"] == "doffin"
    assert row["buyer"] == "Oslo kommune"
    assert row["buyer_org_number"] == "974770482"
    assert row["external_url"].startswith("https://doffin.no/notices/")
    assert row["url"] == f"http://testserver/api/tenders/{external.reference}/"


def test_detail_has_lots_criteria_and_amendments_and_404s_drafts(client, buyer, it_code):
    tender = TenderFactory(buyer=buyer, published=True, main_cpv=it_code, criteria=[70, 30])
    LotFactory(tender=tender, number=1, suitable_for_smb=True, cpv_codes=[it_code])
    draft = TenderFactory(buyer=buyer)

    response = client.get(f"/api/tenders/{tender.reference}/")

    assert response.status_code == 200
    data = response.json()
    assert data["main_cpv"] == "72212000"
    assert data["has_smb_lots"] is True
    assert data["lots"][0]["cpv_codes"] == ["72212000"]
    assert [c["weight"] for c in data["criteria"]] == [70, 30]
    assert data["description"].startswith("<p>")
    assert client.get(f"/api/tenders/{draft.reference}/").status_code == 404
    assert client.get("/api/tenders/NOPE-1/").status_code == 404


def test_filters(client, buyer, it_code):
    it = TenderFactory(buyer=buyer, published=True, main_cpv=it_code, estimated_value=900000)
    works = TenderFactory(
        buyer=buyer,
        closed=True,
        contract_type="works",
        estimated_value=Decimal("60000000"),
        title="Ny bussterminal",
    )
    pilot = TenderFactory(buyer=buyer, published=True, is_pilot=True)
    smb = TenderFactory(buyer=buyer, published=True)
    LotFactory(tender=smb, suitable_for_smb=True)
    external = TenderFactory(external=True, title="Vask av tøy")

    assert references(client.get("/api/tenders/", {"cpv": "72000000"})) == [it.reference]
    assert references(client.get("/api/tenders/", {"status": "closed"})) == [works.reference]
    assert references(client.get("/api/tenders/", {"pilot": "true"})) == [pilot.reference]
    assert references(client.get("/api/tenders/", {"smb": "true"})) == [smb.reference]
    assert references(client.get("/api/tenders/", {"source": "doffin"})) == [external.reference]
    assert references(client.get("/api/tenders/", {"q": "bussterminal"})) == [works.reference]
    assert references(client.get("/api/tenders/", {"value_min": "50000000"})) == [works.reference]
    soon = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert works.reference in references(client.get("/api/tenders/", {"deadline_before": soon}))
    assert client.get("/api/tenders/", {"cpv": "72"}).status_code == 400


def test_pagination(client, buyer):
    for _ in range(3):
        TenderFactory(buyer=buyer, published=True)

    data = client.get("/api/tenders/", {"page_size": 1}).json()

    assert data["count"] == 3
    assert "next" in data


def test_openapi_schema_describes_the_tender_paths(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/tenders/" in paths
    assert "/api/tenders/{reference}/" in paths
    names = {p["name"] for p in paths["/api/tenders/"]["get"]["parameters"]}
    assert {"cpv", "status", "smb", "pilot", "deadline_after", "page"} <= names
