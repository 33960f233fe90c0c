"""The tender form's two eForms-related rules: the main CPV code fits the contract type (the SDK's
BR-BT-00262-0202/0205/0208), and climate and environment weigh at least 30 % with two or more
award criteria unless the tender meets FOA § 7-9 otherwise."""

from __future__ import annotations

import pytest

from tenders.models import ClimateConsideration, Criterion, Tender, contract_type_for_cpv

from .test_views import _en, _tender_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "contract_type"),
    [
        ("45000000", "works"),
        ("45261215", "works"),
        ("09331000", "goods"),
        ("38431000", "goods"),
        ("44100000", "goods"),
        ("48000000", "goods"),
        ("49000000", "services"),
        ("60112000", "services"),
        ("72000000", "services"),
        ("90620000", "services"),
        ("", ""),
    ],
)
def test_a_cpv_code_implies_one_contract_type(code, contract_type):
    assert contract_type_for_cpv(code) == contract_type


@pytest.fixture
def sensors(db):
    from tests.factories import cpv_code

    return cpv_code("38431000", "Detection apparatus", "Deteksjonsapparater")


def test_a_supplies_code_as_main_code_of_a_services_tender_is_a_field_error(
    buyer_client, buyer_unit, main_cpv, sensors
):
    data = _tender_post(buyer_unit, main_cpv="38431000", contract_type="services")

    response = buyer_client.post(_en("buyer_tender_create"), data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "The main CPV code 38431000 is a code for goods" in body
    assert "the contract type is services" in body
    assert not Tender.objects.filter(title="Skoleskyss").exists()


def test_the_same_code_fits_a_goods_tender(buyer_client, buyer_unit, main_cpv, sensors):
    data = _tender_post(buyer_unit, main_cpv="38431000", contract_type="goods")

    response = buyer_client.post(_en("buyer_tender_create"), data)

    assert response.status_code == 302, response.content.decode()[:2000]


def test_two_criteria_without_climate_and_environment_are_refused(
    buyer_client, buyer_unit, main_cpv
):
    data = _tender_post(buyer_unit, **{"criteria-1-name": "Kvalitet", "criteria-1-kind": "quality"})

    response = buyer_client.post(_en("buyer_tender_create"), data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "must weigh at least 30 % in all (FOA § 7-9); they weigh 0 %" in body
    assert not Tender.objects.filter(title="Skoleskyss").exists()


def test_climate_and_environment_at_30_percent_is_accepted_with_its_kind(
    buyer_client, buyer_unit, main_cpv
):
    data = _tender_post(
        buyer_unit,
        **{"criteria-0-weight": "70", "criteria-1-weight": "30"},
    )

    response = buyer_client.post(_en("buyer_tender_create"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    tender = Tender.objects.get(title="Skoleskyss")
    assert [(c.kind, c.weight) for c in tender.criteria.all()] == [
        (Criterion.Kind.PRICE, 70),
        (Criterion.Kind.CLIMATE, 30),
    ]


def test_an_exemption_needs_a_note_and_then_no_climate_criterion(
    buyer_client, buyer_unit, main_cpv
):
    data = _tender_post(
        buyer_unit,
        climate_consideration=ClimateConsideration.EXEMPT_INSIGNIFICANT,
        **{"criteria-1-name": "Kvalitet", "criteria-1-kind": "quality"},
    )

    refused = buyer_client.post(_en("buyer_tender_create"), data)
    data["climate_consideration_note"] = "Rådgivning med ubetydelig klimapåvirkning."
    accepted = buyer_client.post(_en("buyer_tender_create"), data)

    assert refused.status_code == 200
    assert "why the exemption applies" in refused.content.decode()
    assert accepted.status_code == 302, accepted.content.decode()[:2000]
    tender = Tender.objects.get(title="Skoleskyss")
    assert tender.climate_consideration == ClimateConsideration.EXEMPT_INSIGNIFICANT


def test_the_public_page_shows_the_kind_and_the_consideration(client, buyer, buyer_unit):
    from tests.factories import TenderFactory

    tender = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        published=True,
        criteria=[60, 40],
        climate_consideration=ClimateConsideration.SPECIFICATION,
        climate_consideration_note="Kravspesifikasjonen krever fossilfri drift.",
    )
    Criterion.objects.filter(tender=tender, order=1).update(kind=Criterion.Kind.PRICE)

    body = client.get(_en("tender_detail", reference=tender.reference)).content.decode()

    assert "<td>Price</td>" in body and "<td>Quality</td>" in body
    assert "Climate and environment in the technical specification" in body
    assert "Kravspesifikasjonen krever fossilfri drift." in body


# --- the same two rules when publishing (one home: tender_rules.publication_problems) -----------


def _codes(tender):
    from tenders.services.tender_rules import publication_problems

    return {problem.code: problem.field for problem in publication_problems(tender)}


def test_publishing_refuses_two_criteria_without_climate_and_environment(buyer, buyer_unit):
    from tests.factories import TenderFactory

    tender = TenderFactory(buyer=buyer, unit=buyer_unit, criteria=[60, 40])
    assert "climate_duty" not in _codes(tender)  # the factory's second criterion is climate

    tender.criteria.update(kind=Criterion.Kind.QUALITY)

    assert _codes(tender)["climate_duty"] == "climate_consideration"
    Tender.objects.filter(pk=tender.pk).update(
        climate_consideration=ClimateConsideration.EXEMPT_INSIGNIFICANT
    )
    tender.refresh_from_db()
    assert "climate_duty" not in _codes(tender)


def test_publishing_refuses_a_main_code_of_another_contract_type(buyer, buyer_unit, sensors):
    from tests.factories import TenderFactory

    tender = TenderFactory(buyer=buyer, unit=buyer_unit, main_cpv=sensors, contract_type="services")

    assert _codes(tender)["cpv_contract_type"] == "main_cpv"
    Tender.objects.filter(pk=tender.pk).update(contract_type="goods")
    tender.refresh_from_db()
    assert "cpv_contract_type" not in _codes(tender)
