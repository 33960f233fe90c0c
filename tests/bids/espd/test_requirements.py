"""The buyer states what it requires on a selection criterion (a minimum turnover, a number of
references); the supplier reads it next to the questions and the ESPD XML carries it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bids.espd import requirements as espd_requirements
from bids.espd import validation
from bids.espd.services import EspdError, espd_request_set, response_xml
from bids.models import EspdCriterion, EspdRequest

from .conftest import needs_edm, save_complete


def requirement(code: str, value_type: str) -> str:
    """The property id of the criterion's requirement of that type."""
    criterion = EspdCriterion.objects.get(code=code)
    return next(p.id for p in espd_requirements.stateable(criterion) if p.value_type == value_type)


@pytest.fixture(autouse=True)
def criteria(db):
    """The default set of criteria, loaded as the migration does (a flushed database has none)."""
    from tests.factories.espd import default_espd_criteria

    return default_espd_criteria()


@pytest.fixture
def draft_eea_tender(buyer, buyer_unit):
    from tests.factories import TenderFactory

    return TenderFactory(buyer=buyer, unit=buyer_unit, threshold_band="eea")


def test_only_selection_criteria_have_requirements_to_state(db):
    assert espd_requirements.stateable(EspdCriterion.objects.get(code="crime-org")) == []
    types = {
        p.value_type
        for p in espd_requirements.stateable(EspdCriterion.objects.get(code="gen-year-to"))
    }
    assert types == {"QUANTITY_YEAR", "MINIMUM_AMOUNT"}  # not the lot, not the checkbox


def test_the_buyer_states_a_minimum_turnover_on_the_request_page(
    client, procurement_officer, draft_eea_tender
):
    url = reverse("bids:espd_request", kwargs={"reference": draft_eea_tender.reference})
    client.force_login(procurement_officer)
    turnover = EspdCriterion.objects.get(code="gen-year-to")
    references = EspdCriterion.objects.get(code="service-perform")
    exclusion = EspdCriterion.objects.filter(code__in=["crime-org", "fraud"])
    # given: the usual choice is saved (the page offers fields for its selection criteria)
    page = client.get(url)
    form = page.context["form"]
    names = {form._requirements[name]: name for name in form._requirements}
    amount = names[requirement("gen-year-to", "MINIMUM_AMOUNT")]
    count = names[requirement("service-perform", "MINIMUM_QUANTITY_INTEGER")]
    assert f'name="{amount}"' in page.content.decode()
    # when
    answer = client.post(
        url,
        {
            "exclusion": [c.pk for c in exclusion],
            "selection": [turnover.pk, references.pk],
            amount: "5 000 000",
            count: "2",
        },
    )
    # then
    assert answer.status_code == 302
    assert EspdRequest.objects.get(tender=draft_eea_tender).requirements == {
        requirement("gen-year-to", "MINIMUM_AMOUNT"): "5000000",
        requirement("service-perform", "MINIMUM_QUANTITY_INTEGER"): "2",
    }
    # a malformed number is an error on its field, and nothing changes
    answer = client.post(
        url,
        {
            "exclusion": [c.pk for c in exclusion],
            "selection": [turnover.pk, references.pk],
            amount: "-1",
            count: "2,5",
        },
    )
    assert answer.status_code == 400
    assert answer.context["form"].errors.get(amount) or answer.context["form"].errors.get(count)
    assert (
        EspdRequest.objects.get(tender=draft_eea_tender).requirements[
            requirement("gen-year-to", "MINIMUM_AMOUNT")
        ]
        == "5000000"
    )


def test_requirements_of_criteria_not_chosen_are_dropped(procurement_officer, draft_eea_tender):
    exclusion = list(EspdCriterion.objects.filter(code__in=["crime-org"]))
    request = espd_request_set(
        tender=draft_eea_tender,
        criteria=exclusion,
        by=procurement_officer,
        requirements={requirement("gen-year-to", "MINIMUM_AMOUNT"): "5000000"},
    )
    assert request.requirements == {}
    with pytest.raises(EspdError) as refused:
        espd_request_set(
            tender=draft_eea_tender,
            criteria=[*exclusion, EspdCriterion.objects.get(code="gen-year-to")],
            by=procurement_officer,
            requirements={requirement("gen-year-to", "QUANTITY_YEAR"): "two"},
        )
    assert refused.value.field == requirement("gen-year-to", "QUANTITY_YEAR")


def state(tender, values: dict[str, str]) -> None:
    """The requirements as the buyer stated them before publishing."""
    EspdRequest.objects.filter(tender=tender).update(requirements=values)


def test_the_supplier_sees_the_requirement_next_to_the_questions(
    client, joint_draft, lead, lead_user
):
    state(joint_draft.tender, {requirement("gen-year-to", "MINIMUM_AMOUNT"): "5000000"})
    client.force_login(lead_user)
    page = client.get(
        reverse(
            "bids:supplier_espd_answer",
            kwargs={"public_id": joint_draft.public_id, "organisation_id": lead.pk},
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    (section,) = [s for s in page.context["sections"] if s["criterion"].code == "gen-year-to"]
    assert [(r.value, r.currency) for r in section["requirements"]] == [("5000000", "NOK")]
    assert "espd-requirements" in page.content.decode()
    assert "NOK</li>" in page.content.decode()


def test_the_response_xml_carries_the_requirement(joint_draft, lead, lead_user):
    state(
        joint_draft.tender,
        {
            requirement("gen-year-to", "MINIMUM_AMOUNT"): "5000000",
            requirement("service-perform", "MINIMUM_QUANTITY_INTEGER"): "2",
        },
    )
    xml = response_xml(save_complete(joint_draft, lead, lead_user))
    assert b'<cbc:MinimumAmount currencyID="NOK">5000000</cbc:MinimumAmount>' in xml
    assert b"<cbc:ExpectedValueNumeric>2</cbc:ExpectedValueNumeric>" in xml
    assert b'currencyID="EUR">100000<' not in xml  # the taxonomy's example is gone


@needs_edm
def test_a_response_with_requirements_validates(joint_draft, lead, lead_user):
    state(joint_draft.tender, {requirement("gen-year-to", "MINIMUM_AMOUNT"): "5000000"})
    xml = response_xml(save_complete(joint_draft, lead, lead_user))
    assert validation.errors(xml) == []


def request_lots(xml: bytes) -> tuple[list[str], set[str]]:
    from lxml import etree

    from bids.espd.taxonomy import NS

    root = etree.fromstring(xml)
    own = [e.text for e in root.findall("cac:ProcurementProjectLot/cbc:ID", NS)]
    expected = {
        prop.findtext("cbc:ExpectedID", "", NS)
        for prop in root.iterfind(".//cac:TenderingCriterionProperty", NS)
        if prop.findtext("cbc:ValueDataTypeCode", "", NS) == "LOT_IDENTIFIER"
    }
    return own, expected


def test_the_request_xml_names_the_lots_and_the_requirements(client, espd_tender, buyer, db):
    from bids.espd.request_xml import request_xml
    from tests.factories.tenders import LotFactory

    # given: a tender with two lots, and a minimum turnover stated
    for number in (1, 2):
        LotFactory(tender=espd_tender, number=number)
    state(espd_tender, {requirement("gen-year-to", "MINIMUM_AMOUNT"): "5000000"})
    # when
    xml = request_xml(EspdRequest.objects.get(tender=espd_tender))
    # then: every lot as the notice names it, a requirement group per lot
    assert request_lots(xml) == (["LOT-0001", "LOT-0002"], {"LOT-0001", "LOT-0002"})
    assert xml.count(b'<cbc:MinimumAmount currencyID="NOK">5000000</cbc:MinimumAmount>') == 2
    assert b"LOT-0000" not in xml


def test_the_officer_downloads_the_request(client, procurement_officer, espd_tender):
    from bids.espd.request_xml import request_xml

    url = reverse("bids:espd_request_download", kwargs={"reference": espd_tender.reference})
    client.force_login(procurement_officer)
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.content == request_xml(EspdRequest.objects.get(tender=espd_tender))
    assert request_lots(answer.content) == (["LOT-0000"], {"LOT-0000"})


@needs_edm
@pytest.mark.parametrize("lots", [0, 2])
def test_the_default_request_validates(espd_tender, lots):
    from bids.espd.request_xml import request_xml
    from tests.factories.tenders import LotFactory

    for number in range(1, lots + 1):
        LotFactory(tender=espd_tender, number=number)
    state(
        espd_tender,
        {
            requirement("gen-year-to", "MINIMUM_AMOUNT"): "5000000",
            requirement("service-perform", "MINIMUM_QUANTITY_INTEGER"): "2",
        },
    )
    xml = request_xml(EspdRequest.objects.get(tender=espd_tender))
    assert validation.errors(xml, kind="request") == []
