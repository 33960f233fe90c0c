"""Notices generated from demo-like tenders: the right form, Doffin's identifiers, the texts, and
(with the SDK) valid by the XSD and the rule set that applies. Each test names that rule set."""

from __future__ import annotations

import pytest
from django.utils import translation
from lxml import etree

from tenders.eforms import identifiers
from tenders.eforms.content import NoticeNotPossible
from tenders.eforms.notices import notice_xml
from tenders.eforms.rulesets import EU, NATIONAL_E
from tenders.eforms.validation import validate
from tenders.eforms.xml import NS
from tests.factories import AmendmentFactory

pytestmark = pytest.mark.django_db


def tree(notice):
    return etree.fromstring(notice.xml)


def text(document, xpath: str) -> list[str]:
    return [node.text for node in document.xpath(xpath, namespaces=NS)]


# --- content, without the SDK -----------------------------------------------------------------


def test_below_threshold_is_norways_national_contract_notice_e3(below):
    notice = notice_xml(below, kind="contract")
    document = tree(notice)

    assert etree.QName(document).localname == "ContractNotice"
    assert notice.subtype == "E3" and notice.national
    assert text(document, "cbc:CustomizationID")[0].endswith(
        "#extended#urn:fdc:anskaffelser.no:2026:eforms:national-e"
    )
    assert text(document, "cbc:RegulatoryDomain") == ["other"]
    assert text(document, "cbc:NoticeLanguageCode") == ["NOR"]
    # FOA parts 1 and 2 in the national band
    assert text(
        document,
        "cac:TenderingTerms/cac:ProcurementLegislationDocumentReference/cbc:DocumentDescription",
    ) == ["NOR — Anskaffelsesforskriften Del 1 og 2"]
    # one lot, LOT-0001, for a tender without lots; the buyer's organisation number
    assert text(document, "cac:ProcurementProjectLot/cbc:ID") == ["LOT-0001"]
    assert "930580783" in text(document, "//cac:PartyLegalEntity/cbc:CompanyID")


def test_above_threshold_is_the_eu_contract_notice_16_in_english_and_norwegian(above):
    notice = notice_xml(above, kind="contract")
    document = tree(notice)

    assert notice.subtype == "16" and not notice.national
    assert text(document, "cbc:RegulatoryDomain") == ["32014L0024"]
    assert text(document, "cbc:NoticeLanguageCode") == ["ENG"]
    assert text(document, "cac:AdditionalNoticeLanguage/cbc:ID") == ["NOR"]
    assert text(document, "cac:ProcurementProjectLot/cbc:ID") == ["LOT-0001", "LOT-0002"]
    titles = document.xpath("cac:ProcurementProject/cbc:Name", namespaces=NS)
    assert {t.get("languageID"): t.text for t in titles}["NOR"] == above.title
    assert text(
        document,
        "cac:ProcurementProject/cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount",
    ) == ["9000000.00"]


def test_identifiers_are_stable_uuids_shared_by_the_procedure(above):
    first = notice_xml(above, kind="contract")
    again = notice_xml(above, kind="contract")
    AmendmentFactory(tender=above, number=1, summary="Fristen er forlenget.")
    change = notice_xml(above, kind="change")

    assert first.notice_id == again.notice_id and first.version == "01"
    assert change.notice_id != first.notice_id
    assert change.procedure_id == first.procedure_id == identifiers.procedure_id(above.reference)
    assert text(tree(change), "//efbc:ChangedNoticeIdentifier") == [f"{first.notice_id}-01"]
    assert text(tree(first), "cbc:ContractFolderID") == [first.procedure_id]


def test_a_change_notice_needs_an_amendment(above):
    with pytest.raises(NoticeNotPossible) as refused:
        notice_xml(above, kind="change")
    assert refused.value.code == "eforms_no_amendment"


def test_an_award_notice_waits_for_the_award(above):
    with pytest.raises(NoticeNotPossible) as refused:
        notice_xml(above, kind="award")
    assert refused.value.code == "eforms_not_awarded"


def test_award_notice_names_winners_values_and_bids_received(awarded):
    notice = notice_xml(awarded, kind="award")
    document = tree(notice)

    assert etree.QName(document).localname == "ContractAwardNotice"
    assert notice.subtype == "29"
    results = document.xpath("//efac:NoticeResult/efac:LotResult", namespaces=NS)
    received = [
        r.findtext("efac:ReceivedSubmissionsStatistics/efbc:StatisticsNumeric", namespaces=NS)
        for r in results
    ]
    assert received == ["3", "1"]
    assert text(
        document, "//efac:NoticeResult/efac:LotTender/cac:LegalMonetaryTotal/cbc:PayableAmount"
    ) == [
        "800000.00",
        "450000.00",
    ]
    names = text(
        document, "//efac:Organization/efac:Company/cac:PartyName/cbc:Name[@languageID='NOR']"
    )
    assert "Nordlys Data AS" in names and "Fjordlys Teknologi AS" in names
    assert "Tredje AS" not in names  # a losing bidder is counted, never named


def test_an_imported_tender_gets_no_notice(db):
    from tests.factories import TenderFactory

    with pytest.raises(NoticeNotPossible):
        notice_xml(TenderFactory(external=True), kind="contract")


def test_without_the_buyers_telephone_the_notice_is_refused_naming_the_setting(settings, above):
    settings.EFORMS_BUYER_ADDRESSES = {"930580783": {"city": "Oslo"}}

    with pytest.raises(NoticeNotPossible) as refused:
        notice_xml(above, kind="contract")

    assert refused.value.code == "eforms_buyer_phone"
    assert "EFORMS_BUYER_ADDRESSES" in str(refused.value.message)
    assert "930580783" in str(refused.value.message)


def test_without_the_review_bodys_organisation_number_the_notice_is_refused(settings, below):
    settings.EFORMS_REVIEW_BODY = {**settings.EFORMS_REVIEW_BODY, "org_number": ""}

    with pytest.raises(NoticeNotPossible) as refused:
        notice_xml(below, kind="contract")

    assert refused.value.code == "eforms_review_body"
    assert "EFORMS_REVIEW_BODY" in str(refused.value.message)


def test_the_default_review_body_is_oslo_tingrett_with_its_numbers(settings, below):
    from config.settings import base  # the defaults, without conftest's dummy numbers

    settings.EFORMS_REVIEW_BODY = base.EFORMS_REVIEW_BODY
    settings.EFORMS_BUYER_ADDRESSES = base.EFORMS_BUYER_ADDRESSES

    document = tree(notice_xml(below, kind="contract"))

    court = document.xpath(
        "//efac:Organization/efac:Company[cac:PartyIdentification/cbc:ID='ORG-0002']",
        namespaces=NS,
    )[0]
    assert court.findtext("cac:PartyLegalEntity/cbc:CompanyID", namespaces=NS) == "926725939"
    assert court.findtext("cac:Contact/cbc:Telephone", namespaces=NS) == "+47 22035200"
    assert text(
        document,
        "//efac:Company[cac:PartyIdentification/cbc:ID='ORG-0001']/cac:Contact/cbc:Telephone",
    ) == ["+47 22 05 50 00"]


def test_without_the_sdk_generation_works_and_validation_says_it_is_not_configured(settings, below):
    from tenders.eforms.rulesets import EformsNotConfigured

    settings.EFORMS_SDK_DIR = ""
    notice = notice_xml(below, kind="contract")

    with pytest.raises(EformsNotConfigured) as refused:
        validate(notice.xml)
    assert "EFORMS_SDK_DIR" in str(refused.value.message)


# --- valid by the XSD and the rule set that applies (Schematron: slow) --------------------------


@pytest.mark.eforms_rules
def test_below_threshold_contract_notice_is_valid_by_norways_national_rules(eforms_rules, below):
    report = validate(notice_xml(below, kind="contract").xml)

    assert report.checks == ["XSD", NATIONAL_E]
    assert report.valid, [str(p) for p in report.problems]


@pytest.mark.eforms_rules
def test_above_threshold_contract_notice_with_lots_is_valid_by_the_sdk_rules(eforms_rules, above):
    report = validate(notice_xml(above, kind="contract").xml)

    assert report.checks == ["XSD", EU]
    assert report.valid, [str(p) for p in report.problems]


@pytest.mark.eforms_rules
@pytest.mark.parametrize("tender_fixture", ["below", "above"])
def test_change_notice_after_an_amendment_is_valid(eforms_rules, request, tender_fixture):
    tender = request.getfixturevalue(tender_fixture)
    AmendmentFactory(
        tender=tender, number=1, summary="Tilbudsfristen er forlenget.", is_deadline_extension=True
    )

    report = validate(notice_xml(tender, kind="change").xml)

    assert report.checks == ["XSD", NATIONAL_E if tender_fixture == "below" else EU]
    assert report.valid, [str(p) for p in report.problems]


@pytest.mark.eforms_rules
def test_award_notice_is_valid_by_the_sdk_rules(eforms_rules, awarded):
    report = validate(notice_xml(awarded, kind="award").xml)

    assert report.checks == ["XSD", EU]
    assert report.valid, [str(p) for p in report.problems]


@pytest.mark.eforms_rules
def test_below_threshold_award_notice_is_valid_by_norways_national_rules(eforms_rules, awarded):
    from tenders.models import Tender

    Tender.objects.filter(pk=awarded.pk).update(threshold_band="national")
    awarded.refresh_from_db()
    notice = notice_xml(awarded, kind="award")
    report = validate(notice.xml)

    assert notice.subtype == "E4"
    assert report.checks == ["XSD", NATIONAL_E]
    assert report.valid, [str(p) for p in report.problems]


@pytest.mark.eforms_rules
def test_a_broken_notice_is_rejected_with_the_field_in_words(eforms_rules, settings, above):
    # the buyer's telephone only: no city, no e-mail
    settings.EFORMS_BUYER_ADDRESSES = {"930580783": {"phone": "+47 00 00 00 00"}}

    report = validate(notice_xml(above, kind="contract").xml)

    assert not report.valid
    lines = [str(p) for p in report.problems]
    assert any("BT-513" in line and "city" in line for line in lines), lines


def test_a_main_cpv_code_of_another_contract_type_is_refused_in_words(below):
    from tests.factories import cpv_code

    below.main_cpv = cpv_code("38431000", "Detection apparatus", "Deteksjonsapparater")
    below.save()

    with pytest.raises(NoticeNotPossible) as refused, translation.override("en"):
        notice_xml(below, kind="contract")

    assert refused.value.code == "eforms_cpv_contract_type"
    assert "38431000 is a code for goods" in str(refused.value.message)


def test_criterion_kinds_are_the_award_criterion_types(below, above):
    from tenders.models import Criterion

    for tender in (below, above):
        tender.criteria.filter(name="Pris").update(kind=Criterion.Kind.PRICE)
        tender.criteria.filter(name="Klima og miljø").update(kind=Criterion.Kind.CLIMATE)
    types = "//cac:SubordinateAwardingCriterion/cbc:AwardingCriterionTypeCode"

    national = text(tree(notice_xml(below, kind="contract")), types)
    eu = text(tree(notice_xml(above, kind="contract")), types)

    assert national == ["price", "quality-nor-env-criteria"]
    assert set(eu) == {"price", "quality"}  # Norway's own code is not on the EU forms


def test_an_exemption_is_a_criterion_entry_of_weight_zero_with_the_note(below):
    from tenders.models import ClimateConsideration

    below.climate_consideration = ClimateConsideration.EXEMPT_CRITICAL_INTEREST
    below.climate_consideration_note = "Beredskapshensyn går foran."
    below.save()

    document = tree(notice_xml(below, kind="contract"))

    entry = document.xpath(
        "//cac:SubordinateAwardingCriterion[cbc:AwardingCriterionTypeCode"
        "='quality-nor-env-exempt-critical-interest']",
        namespaces=NS,
    )
    assert len(entry) == 1
    assert entry[0].findtext(".//efbc:ParameterNumeric", namespaces=NS) == "0"
    assert entry[0].findtext("cbc:Description", namespaces=NS) == "Beredskapshensyn går foran."
