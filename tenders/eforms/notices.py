"""eForms notices as XML, built with lxml from ``content``.

``notice_xml(tender, kind="contract" | "change" | "award")`` returns a ``Notice``: the XML bytes
and the identities it carries. The element order follows the UBL 2.3 schemas; the fields are the
ones the SDK's business rules ask of subtypes 16/29 and Norway's E3/E4.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from lxml import etree

from marketplace.formatting import OSLO

from ..models import Amendment, ClimateConsideration, Criterion, Tender
from . import identifiers
from .content import (
    LotResult,
    NoticeContent,
    NoticeLot,
    NoticeNotPossible,
    Party,
    award_content,
    notice_content,
)
from .xml import add, path, root, serialise

KINDS = ("contract", "change", "award")
NORWEGIAN = "NOR"  # Doffin's code for Norwegian (Bokmål) text in eForms
CURRENCY = "NOK"
REVIEW_NOB = (
    "Klage kan sendes til Klagenemnda for offentlige anskaffelser (KOFA); søksmål reises for "
    "tingretten som er nevnt som klageorgan. Oppdragsgiver venter med å inngå kontrakt til "
    "karensperioden i tildelingsbrevet er ute."
)
REVIEW_ENG = (
    "Complaints may be lodged with the Norwegian Complaints Board for Public Procurement (KOFA); "
    "legal action is brought before the district court named as review body. The contract is "
    "not signed before the standstill period in the award letter has ended."
)


@dataclass(frozen=True)
class Notice:
    kind: str
    subtype: str
    national: bool
    notice_id: str
    version: str
    procedure_id: str
    xml: bytes

    @property
    def business_id(self) -> str:
        return f"{self.notice_id}-{self.version}"


def _date(moment: datetime.datetime) -> tuple[str, str]:
    local = moment.astimezone(OSLO)
    offset = local.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}"
    return f"{local:%Y-%m-%d}{offset}", f"{local:%H:%M:%S}{offset}"


def _texts(parent, name: str, languages: tuple[str, ...], nor: str, eng: str = "") -> None:
    """One element per notice language (Norwegian text, and English where the form has it)."""
    for language in languages:
        add(parent, name, (eng or nor) if language == "ENG" else nor, languageID=language)


def _amount(parent, name: str, value: Decimal) -> None:
    add(parent, name, f"{value:.2f}", currencyID=CURRENCY)


def _organisation(parent, party: Party, languages) -> None:
    company = path(parent, "efac:Organization", "efac:Company")
    # The schema's order: website (BT-505), then size (BT-165), then the identifier.
    if party.website:
        add(company, "cbc:WebsiteURI", party.website)
    if party.size:
        add(company, "efbc:CompanySizeCode", party.size, listName="economic-operator-size")
    add(path(company, "cac:PartyIdentification"), "cbc:ID", party.id, schemeName="organization")
    for language in languages:
        add(path(company, "cac:PartyName"), "cbc:Name", party.name, languageID=language)
    address = path(company, "cac:PostalAddress")
    if party.city:
        add(address, "cbc:CityName", party.city)
    if party.postal_code:
        add(address, "cbc:PostalZone", party.postal_code)
    if party.nuts:
        add(address, "cbc:CountrySubentityCode", party.nuts, listName="nuts")
    add(path(address, "cac:Country"), "cbc:IdentificationCode", "NOR", listName="country")
    if party.org_number:
        add(path(company, "cac:PartyLegalEntity"), "cbc:CompanyID", party.org_number)
    if party.email or party.phone:
        contact = path(company, "cac:Contact")
        if party.phone:
            add(contact, "cbc:Telephone", party.phone)
        if party.email:
            add(contact, "cbc:ElectronicMail", party.email)


def _party_ref(parent, name: str, party_id: str) -> None:
    add(
        path(parent, name, "cac:PartyIdentification"), "cbc:ID", party_id, schemeName="organization"
    )


def _location(parent, nuts: str) -> None:
    address = path(parent, "cac:RealizedLocation", "cac:Address")
    add(address, "cbc:CountrySubentityCode", nuts, listName="nuts")
    add(path(address, "cac:Country"), "cbc:IdentificationCode", "NOR", listName="country")


def _project(parent, content, *, texts, value, main_cpv, additional, nuts, internal="", lot=False):
    languages = content.form.languages
    project = add(parent, "cac:ProcurementProject")
    if internal:
        add(project, "cbc:ID", internal, schemeName="InternalID")
    name, description, name_en, description_en = texts
    _texts(project, "cbc:Name", languages, name, name_en)
    _texts(project, "cbc:Description", languages, description, description_en)
    nature = content.contract_nature
    add(project, "cbc:ProcurementTypeCode", nature, listName="contract-nature")
    if lot and _environmental(content):
        additional_type = add(project, "cac:ProcurementAdditionalType")
        add(additional_type, "cbc:ProcurementTypeCode", "env-imp", listName="strategic-procurement")
        _texts(
            additional_type,
            "cbc:ProcurementType",
            content.form.languages,
            "Reduksjon av miljøpåvirkning",
            "Reduction of environmental impacts",
        )
    if value is not None:
        _amount(
            path(project, "cac:RequestedTenderTotal"), "cbc:EstimatedOverallContractAmount", value
        )
    add(
        path(project, "cac:MainCommodityClassification"),
        "cbc:ItemClassificationCode",
        main_cpv,
        listName="cpv",
    )
    for code in additional:
        add(
            path(project, "cac:AdditionalCommodityClassification"),
            "cbc:ItemClassificationCode",
            code,
            listName="cpv",
        )
    _location(project, nuts)
    if lot and not content.results:
        planned = add(project, "cac:PlannedPeriod")
        if content.duration_months:
            add(planned, "cbc:DurationMeasure", str(content.duration_months), unitCode="MONTH")
        else:
            add(planned, "cbc:DescriptionCode", "UNKNOWN", listName="timeperiod")
    return project


def _environmental(content: NoticeContent) -> bool:
    """Whether the lot names the strategic aim "reduction of environmental impacts": on the
    national forms when climate and environment is an award criterion or in the specification
    (Norway's rule EFORMS-NOR-NATIONAL-SP-R004 asks for it then)."""
    if not content.form.national:
        return False
    return content.climate_consideration == ClimateConsideration.SPECIFICATION or any(
        criterion.kind == Criterion.Kind.CLIMATE for criterion in content.criteria
    )


def _header(document, content: NoticeContent, *, notice_id, version, kind, issued) -> None:
    add(document, "cbc:UBLVersionID", "2.3")
    add(document, "cbc:CustomizationID", content.form.customization)
    add(document, "cbc:ID", notice_id, schemeName="notice-id")
    add(document, "cbc:ContractFolderID", identifiers.procedure_id(content.reference))
    day, time = _date(issued)
    add(document, "cbc:IssueDate", day)
    add(document, "cbc:IssueTime", time)
    add(document, "cbc:VersionID", version)
    add(document, "cbc:RegulatoryDomain", content.form.regulatory_domain)
    if kind == "award":
        add(document, "cbc:NoticeTypeCode", "can-standard", listName="result")
    else:
        add(document, "cbc:NoticeTypeCode", "cn-standard", listName="competition")
    add(document, "cbc:NoticeLanguageCode", content.form.languages[0])
    for language in content.form.languages[1:]:
        add(path(document, "cac:AdditionalNoticeLanguage"), "cbc:ID", language)
    party = add(document, "cac:ContractingParty")
    add(
        path(party, "cac:ContractingPartyType"),
        "cbc:PartyTypeCode",
        "ra",
        listName="buyer-legal-type",
    )
    if not content.form.national:
        add(
            path(party, "cac:ContractingActivity"),
            "cbc:ActivityTypeCode",
            "gen-pub",
            listName="authority-activity",
        )
    _party_ref(party, "cac:Party", content.buyer.id)


def _legal_basis(terms, content: NoticeContent) -> None:
    if not content.form.national:
        return
    reference = add(terms, "cac:ProcurementLegislationDocumentReference")
    add(reference, "cbc:ID", "https://lovdata.no/eli/forskrift/2016/8/12/974", schemeName="ELI")
    add(reference, "cbc:DocumentDescription", content.form.legal_basis_nob, languageID=NORWEGIAN)


def _lot_terms(lot_element, content: NoticeContent, kind: str) -> None:
    terms = add(lot_element, "cac:TenderingTerms")
    if kind != "award":
        add(terms, "cbc:VariantConstraintCode", "not-allowed", listName="permission")
    add(terms, "cbc:FundingProgramCode", "no-eu-funds", listName="eu-funded")
    if kind != "award":
        document = add(terms, "cac:CallForTendersDocumentReference")
        add(document, "cbc:ID", content.reference)
        add(document, "cbc:DocumentType", "non-restricted-document")
        add(
            path(document, "cac:Attachment", "cac:ExternalReference"), "cbc:URI", content.tender_url
        )
        for list_name, code in (
            ("reserved-procurement", "none"),
            ("selection-criteria-source", "epo-procurement-document"),
        ):
            requirement = path(
                terms, "cac:TendererQualificationRequest", "cac:SpecificTendererRequirement"
            )
            add(requirement, "cbc:TendererRequirementTypeCode", code, listName=list_name)
        for list_name, code in (
            ("reserved-execution", "no"),
            ("einvoicing", "required"),
            ("ecatalog-submission", "not-allowed"),
        ):
            requirement = add(terms, "cac:ContractExecutionRequirement")
            add(requirement, "cbc:ExecutionRequirementCode", code, listName=list_name)
    if content.criteria:
        _criteria(terms, content)
    if kind != "award":
        recipient = add(terms, "cac:TenderRecipientParty")
        add(recipient, "cbc:EndpointID", content.tender_url)
        add(path(terms, "cac:TenderValidityPeriod"), "cbc:DurationMeasure", "3", unitCode="MONTH")
    appeal = add(terms, "cac:AppealTerms")
    _texts(
        path(appeal, "cac:PresentationPeriod"),
        "cbc:Description",
        content.form.languages,
        REVIEW_NOB,
        REVIEW_ENG,
    )
    _party_ref(appeal, "cac:AppealInformationParty", content.buyer.id)
    _party_ref(appeal, "cac:AppealReceiverParty", content.review_body.id)
    if kind != "award":
        add(path(terms, "cac:Language"), "cbc:ID", NORWEGIAN)
        if not content.form.national:
            post_award = add(terms, "cac:PostAwardProcess")
            add(post_award, "cbc:ElectronicOrderUsageIndicator", "false")
            add(post_award, "cbc:ElectronicPaymentUsageIndicator", "true")


def _weighted(criterion_element, code: str, weight: int):
    sub = add(criterion_element, "cac:SubordinateAwardingCriterion")
    weighting = path(
        sub,
        "ext:UBLExtensions",
        "ext:UBLExtension",
        "ext:ExtensionContent",
        "efext:EformsExtension",
        "efac:AwardCriterionParameter",
    )
    add(weighting, "efbc:ParameterCode", "per-exa", listName="number-weight")
    add(weighting, "efbc:ParameterNumeric", str(weight))
    add(sub, "cbc:AwardingCriterionTypeCode", code, listName="award-criterion-type")
    return sub


def _criteria(terms, content: NoticeContent) -> None:
    criterion = path(terms, "cac:AwardingTerms", "cac:AwardingCriterion")
    national = content.form.national
    for item in content.criteria:
        sub = _weighted(criterion, criterion_type(item.kind, national=national), item.weight)
        _texts(sub, "cbc:Name", content.form.languages, item.name, f"Criterion: {item.name}")
        _texts(
            sub,
            "cbc:Description",
            content.form.languages,
            item.description or item.name,
            f"{item.weight} %",
        )
    consideration = CLIMATE_CONSIDERATION_TYPES.get(content.climate_consideration)
    if national and consideration:
        # FOA § 7-9 met otherwise (Norway's rule EFORMS-NOR-NATIONAL-EC-R001D): an entry of
        # that type, weight 0, saying how.
        sub = _weighted(criterion, consideration, 0)
        _texts(sub, "cbc:Description", content.form.languages, content.climate_note)


# eForms award-criterion-type for a Criterion.Kind; climate and environment is Norway's own
# code (award-criterion-type.no), which the EU forms do not know: there it is quality.
CRITERION_TYPES = {
    Criterion.Kind.PRICE: "price",
    Criterion.Kind.COST: "cost",
    Criterion.Kind.QUALITY: "quality",
    Criterion.Kind.CLIMATE: "quality-nor-env-criteria",
}
# The other ways to meet FOA § 7-9, as Norway's national forms code them.
CLIMATE_CONSIDERATION_TYPES = {
    ClimateConsideration.SPECIFICATION: "quality-nor-env-spec",
    ClimateConsideration.EXEMPT_INSIGNIFICANT: "quality-nor-env-exempt-insignificant",
    ClimateConsideration.EXEMPT_CRITICAL_INTEREST: "quality-nor-env-exempt-critical-interest",
    ClimateConsideration.EXEMPT_NATIONAL_MINIMUM: "quality-nor-env-exempt-national-minimum",
}


def criterion_type(kind: str, *, national: bool) -> str:
    """The eForms award-criterion type of a criterion of ``kind``."""
    code = CRITERION_TYPES.get(kind, "quality")
    if code.startswith("quality-nor") and not national:
        return "quality"
    return code


def _lot_process(lot_element, content: NoticeContent, kind: str) -> None:
    process = add(lot_element, "cac:TenderingProcess")
    if kind != "award":
        add(process, "cbc:SubmissionMethodCode", "required", listName="esubmission")
    if not content.form.national:
        add(process, "cbc:GovernmentAgreementConstraintIndicator", "true")
    if kind != "award" and content.submission_deadline:
        day, time = _date(content.submission_deadline)
        period = add(process, "cac:TenderSubmissionDeadlinePeriod")
        add(period, "cbc:EndDate", day)
        add(period, "cbc:EndTime", time)
    if kind != "award" and content.question_deadline:
        day, time = _date(content.question_deadline)
        period = add(process, "cac:AdditionalInformationRequestPeriod")
        add(period, "cbc:EndDate", day)
        add(period, "cbc:EndTime", time)
    add(path(process, "cac:AuctionTerms"), "cbc:AuctionConstraintIndicator", "false")
    add(
        path(process, "cac:ContractingSystem"),
        "cbc:ContractingSystemTypeCode",
        "none",
        listName="framework-agreement",
    )
    add(
        path(process, "cac:ContractingSystem"),
        "cbc:ContractingSystemTypeCode",
        "none",
        listName="dps-usage",
    )


def _lot(document, content: NoticeContent, lot: NoticeLot, kind: str) -> None:
    element = add(document, "cac:ProcurementProjectLot")
    add(element, "cbc:ID", lot.id, schemeName="Lot")
    _lot_terms(element, content, kind)
    _lot_process(element, content, kind)
    _project(
        element,
        content,
        texts=(lot.title, lot.description, lot.title_en, lot.description_en),
        value=lot.estimated_value if kind != "award" else None,
        main_cpv=lot.main_cpv,
        additional=lot.additional_cpv,
        nuts=lot.nuts,
        internal=str(lot.number),
        lot=True,
    )


def _results(extension, content: NoticeContent) -> None:
    results = add(extension, "efac:NoticeResult")
    total = sum((r.price for r in content.results if r.price is not None), Decimal(0))
    _amount(results, "cbc:TotalAmount", total)
    winners = [r for r in content.results if r.winner is not None]
    for number, result in enumerate(content.results, 1):
        lot_result = add(results, "efac:LotResult")
        add(lot_result, "cbc:ID", identifiers.part("RES", number), schemeName="result")
        code = "selec-w" if result.winner else ("open-nw" if result.bids_received else "clos-nw")
        add(lot_result, "cbc:TenderResultCode", code, listName="winner-selection-status")
        if result.winner:
            index = winners.index(result) + 1
            add(
                add(lot_result, "efac:LotTender"),
                "cbc:ID",
                identifiers.part("TEN", index),
                schemeName="tender",
            )
        # Every bid came through this site (electronically) from a Norwegian organisation.
        for code, count in (
            ("tenders", result.bids_received),
            ("t-esubm", result.bids_received),
            ("t-sme", result.sme_bids),
            ("t-no-eea", 0),
            ("t-oth-eea", 0),
        ):
            statistics = add(lot_result, "efac:ReceivedSubmissionsStatistics")
            add(statistics, "efbc:StatisticsCode", code, listName="received-submission-type")
            add(statistics, "efbc:StatisticsNumeric", str(count))
        if result.winner:
            add(
                add(lot_result, "efac:SettledContract"),
                "cbc:ID",
                identifiers.part("CON", index),
                schemeName="contract",
            )
        add(add(lot_result, "efac:TenderLot"), "cbc:ID", result.lot.id, schemeName="Lot")
    for index, result in enumerate(winners, 1):
        _winning_tender(results, content, result, index)
    for index, result in enumerate(winners, 1):
        contract = add(results, "efac:SettledContract")
        add(contract, "cbc:ID", identifiers.part("CON", index), schemeName="contract")
        if result.decided_at:
            add(contract, "cbc:IssueDate", _date(result.decided_at)[0])
        reference = f"{content.reference}-{result.lot.id}"
        add(path(contract, "efac:ContractReference"), "cbc:ID", reference)
        add(
            add(contract, "efac:LotTender"),
            "cbc:ID",
            identifiers.part("TEN", index),
            schemeName="tender",
        )
    seen: dict[str, str] = {}
    for result in winners:
        if result.winner.id in seen:
            continue
        seen[result.winner.id] = identifiers.part("TPA", len(seen) + 1)
        party = add(results, "efac:TenderingParty")
        add(party, "cbc:ID", seen[result.winner.id], schemeName="tendering-party")
        add(add(party, "efac:Tenderer"), "cbc:ID", result.winner.id, schemeName="organization")


def _winning_tender(results, content: NoticeContent, result: LotResult, index: int) -> None:
    tender = add(results, "efac:LotTender")
    add(tender, "cbc:ID", identifiers.part("TEN", index), schemeName="tender")
    if result.price is not None:
        _amount(path(tender, "cac:LegalMonetaryTotal"), "cbc:PayableAmount", result.price)
    term = add(tender, "efac:SubcontractingTerm")
    applies = "yes" if result.subcontracting else "no"
    add(term, "efbc:TermCode", applies, listName="applicability")
    tendering_party = add(tender, "efac:TenderingParty")
    add(tendering_party, "cbc:ID", _tendering_party_id(result), schemeName="tendering-party")
    add(add(tender, "efac:TenderLot"), "cbc:ID", result.lot.id, schemeName="Lot")
    add(path(tender, "efac:TenderReference"), "cbc:ID", f"{content.reference}-{result.lot.id}")


def _tendering_party_id(result: LotResult) -> str:
    # One tendering party per winning organisation, numbered by the winner's ORG number.
    return identifiers.part("TPA", int(result.winner.id.split("-")[1]) - 2)


def _changes(extension, changed: str, amendment: Amendment, lots, languages) -> None:
    changes = add(extension, "efac:Changes")
    add(changes, "efbc:ChangedNoticeIdentifier", changed)
    change = add(changes, "efac:Change")
    for language in languages:
        text = (
            amendment.summary[:4000] if language == NORWEGIAN else f"Amendment {amendment.number}"
        )
        add(change, "efbc:ChangeDescription", text, languageID=language)
    for lot in lots:
        add(add(change, "efac:ChangedSection"), "efbc:ChangedSectionIdentifier", lot.id)
    reason = add(changes, "efac:ChangeReason")
    add(reason, "cbc:ReasonCode", "update-add", listName="change-corrig-justification")


def build(
    content: NoticeContent,
    *,
    kind: str,
    notice_id: str,
    version: str,
    issued: datetime.datetime,
    amendment: Amendment | None = None,
    changed: str = "",
) -> bytes:
    form = content.form
    document = root("ContractAwardNotice" if kind == "award" else "ContractNotice")
    extension = path(
        document,
        "ext:UBLExtensions",
        "ext:UBLExtension",
        "ext:ExtensionContent",
        "efext:EformsExtension",
    )
    if kind == "change":
        _changes(extension, changed, amendment, content.lots, form.languages)
    if kind == "award":
        _results(extension, content)
    add(
        path(extension, "efac:NoticeSubType"),
        "cbc:SubTypeCode",
        form.subtype(kind),
        listName="notice-subtype",
    )
    organisations = add(extension, "efac:Organizations")
    for party in (content.buyer, content.review_body, *content.suppliers):
        _organisation(organisations, party, form.languages)
    _header(document, content, notice_id=notice_id, version=version, kind=kind, issued=issued)
    terms = add(document, "cac:TenderingTerms")
    _legal_basis(terms, content)
    if kind != "award":
        requirement = path(
            terms, "cac:TendererQualificationRequest", "cac:SpecificTendererRequirement"
        )
        add(
            requirement,
            "cbc:TendererRequirementTypeCode",
            "epo-procurement-document",
            listName="exclusion-grounds-source",
        )
    if kind != "award" and len(content.lots) > 1:
        distribution = add(terms, "cac:LotDistribution")
        add(distribution, "cbc:MaximumLotsAwardedNumeric", str(len(content.lots)))
        add(
            distribution,
            "cbc:MaximumLotsSubmittedNumeric",
            str(content.max_lots or len(content.lots)),
        )
    if len(terms) == 0:
        document.remove(terms)
    process = add(document, "cac:TenderingProcess")
    add(process, "cbc:ProcedureCode", content.procedure_code, listName="procurement-procedure-type")
    if kind != "award" and not form.national:
        justification = add(process, "cac:ProcessJustification")
        add(justification, "cbc:ProcessReasonCode", "false", listName="accelerated-procedure")
    _project(
        document,
        content,
        texts=(content.title, content.description, content.title_en, content.description_en),
        value=content.estimated_value if kind != "award" else None,
        main_cpv=content.main_cpv,
        additional=content.additional_cpv,
        nuts=content.nuts,
    )
    for lot in content.lots:
        _lot(document, content, lot, kind)
    if kind == "award":
        decided = [r.decided_at for r in content.results if r.decided_at]
        add(
            path(document, "cac:TenderResult"),
            "cbc:AwardDate",
            _date(max(decided) if decided else issued)[0],
        )
    return serialise(document)


def notice_xml(
    tender: Tender,
    *,
    kind: str = "contract",
    amendment: Amendment | None = None,
    issued: datetime.datetime | None = None,
    version: int = 1,
) -> Notice:
    """The notice of ``kind`` for ``tender``; a change notice is for ``amendment`` (default: the
    latest). Raises ``NoticeNotPossible`` when the tender cannot have it yet."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    issued = issued or timezone.now()
    changed = ""
    if kind == "award":
        content = award_content(tender)
        purpose = "award"
    else:
        if tender.status == Tender.Status.DRAFT and kind == "change":
            raise NoticeNotPossible(
                "A draft has no published notice to change.", code="eforms_draft"
            )
        content = notice_content(tender)
        purpose = "contract"
        if kind == "change":
            amendment = amendment or tender.amendments.order_by("-number").first()
            if amendment is None:
                raise NoticeNotPossible(
                    "The tender has no amendment to announce.", code="eforms_no_amendment"
                )
            purpose = f"change-{amendment.number}"
            changed = identifiers.business_id(
                identifiers.notice_id(tender.reference, "contract"), 1
            )
    notice = identifiers.notice_id(tender.reference, purpose)
    number = identifiers.version(version)
    xml = build(
        content,
        kind=kind,
        notice_id=notice,
        version=number,
        issued=issued,
        amendment=amendment,
        changed=changed,
    )
    return Notice(
        kind=kind,
        subtype=content.form.subtype(kind),
        national=content.form.national,
        notice_id=notice,
        version=number,
        procedure_id=identifiers.procedure_id(tender.reference),
        xml=xml,
    )


def parse(xml: bytes) -> etree._Element:
    """Our own notice back as a tree (for the preview): no network, no entities."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(xml, parser)
