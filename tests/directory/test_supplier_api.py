"""The public supplier API: listed profiles only, public fields only, facets, schema."""

from __future__ import annotations

import pytest

from marketplace.models import ContactPerson, SupplierReference
from tests.factories import ListedSupplierProfileFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def listed(name: str, **kwargs):
    return ListedSupplierProfileFactory(organisation=SupplierFactory(name=name), **kwargs)


def slugs(response) -> list[str]:
    return [item["name"] for item in response.json()["results"]]


def test_list_has_only_listed_profiles(client):
    listed("Listed AS")
    listed("Unlisted AS", is_published=False)

    response = client.get("/api/suppliers/")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert slugs(response) == ["Listed AS"]


def test_detail_by_slug_and_404_for_unlisted(client):
    shown = listed("Listed AS", keywords=["sensors"])
    hidden = listed("Unlisted AS", is_published=False)

    response = client.get(f"/api/suppliers/{shown.organisation.slug}/")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Listed AS"
    assert body["org_number"] == shown.organisation.org_number
    assert body["keywords"] == ["sensors"]
    assert body["url"].endswith(f"/api/suppliers/{shown.organisation.slug}/")
    assert client.get(f"/api/suppliers/{hidden.organisation.slug}/").status_code == 404
    assert client.get("/api/suppliers/finnes-ikke/").status_code == 404


def test_buyers_only_fields_are_never_in_the_api_whoever_asks(buyer_client):
    profile = listed(
        "Guarded AS",
        employee_band="10-49",
        size_visibility="buyers",
        references_visibility="buyers",
        contact_visibility="public",
    )
    SupplierReference.objects.create(
        profile=profile, customer="Secret Customer", year=2022, description="Hidden work"
    )
    ContactPerson.objects.create(profile=profile, name="Kari Kontakt", email="kari@guarded.test")

    response = buyer_client.get(f"/api/suppliers/{profile.organisation.slug}/")

    body = response.json()
    assert body["size"] is None
    assert body["references"] is None
    text = response.content.decode()
    assert "Secret Customer" not in text
    assert "kari@guarded.test" not in text  # the contact person is never in the API
    assert "10-49" not in text


def test_public_size_and_references_are_in_the_api(client):
    profile = listed(
        "Open AS", employee_band="1-9", size_visibility="public", references_visibility="public"
    )
    SupplierReference.objects.create(
        profile=profile, customer="Bærum kommune", year=2024, description="A pilot"
    )

    body = client.get(f"/api/suppliers/{profile.organisation.slug}/").json()

    assert body["size"] == {"employee_band": "1-9", "turnover_band": ""}
    assert body["references"][0]["customer"] == "Bærum kommune"
    assert body["sme_category"] == "micro"


def test_cpv_filter_includes_descendants(client, cpv):
    listed("Deep AS", cpv_codes=[cpv["72212000"]])
    listed("Builder AS", cpv_codes=[cpv["45000000"]])

    response = client.get("/api/suppliers/", {"cpv": "72000000"})

    assert slugs(response) == ["Deep AS"]
    assert response.json()["results"][0]["cpv_codes"][0]["code"] == "72212000"


def test_invalid_filter_is_400(client, cpv):
    assert client.get("/api/suppliers/", {"cpv": "7200"}).status_code == 400
    assert client.get("/api/suppliers/", {"stage": "unicorn"}).status_code == 400


def test_municipality_sme_and_stage_filters(client, places):
    baerum = places["baerum"]
    listed("County AS", delivery_counties=[baerum.county], employee_band="1-9", stage="startup")
    listed("Oslo AS", delivery_counties=[places["oslo"].county], employee_band="1-9")
    listed("Nationwide ASA", delivers_nationwide=True, employee_band="250+", stage="large")

    in_baerum = client.get("/api/suppliers/", {"municipality": "3201"})
    micro = client.get("/api/suppliers/", {"sme_category": "micro"})
    startups = client.get("/api/suppliers/", {"stage": "startup"})

    assert slugs(in_baerum) == ["County AS", "Nationwide ASA"]
    assert slugs(micro) == ["County AS", "Oslo AS"]
    assert slugs(startups) == ["County AS"]


def test_list_query_count_is_bounded(client, cpv, places, django_assert_max_num_queries):
    for n in range(30):
        profile = listed(
            f"Firm {n:02d} AS",
            cpv_codes=[cpv["72212000"], cpv["48000000"]],
            delivery_municipalities=[places["baerum"]],
            delivery_counties=[places["baerum"].county],
            references_visibility="public",
        )
        SupplierReference.objects.create(profile=profile, customer="X", year=2020, description="Y")

    with django_assert_max_num_queries(8):
        response = client.get("/api/suppliers/")

    assert response.json()["count"] == 30


def test_schema_documents_the_supplier_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    schema = response.json()
    assert "/api/suppliers/" in schema["paths"]
    assert "/api/suppliers/{slug}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/suppliers/"]["get"]["parameters"]}
    assert {"cpv", "municipality", "sme_category", "stage", "page"} <= parameters
    supplier = schema["components"]["schemas"]["Supplier"]["properties"]
    assert "size" in supplier and "references" in supplier
    assert "contact" not in supplier
