"""The ESPD response as ESPD-EDM 4.1.0 XML (UBL 2.3 ``QualificationApplicationResponse``).

Pure: takes the tender's facts, the request's criteria (their taxonomy XML, repeated verbatim),
one organisation's details and answers, and returns the document's bytes. Only answers to
questions that are asked are written (``bids.espd.answers.kept``), each in the element its data
type needs (BR-TCR-08); evidence URLs become ``cac:Evidence`` entries the answers point to.
"""

from __future__ import annotations

import datetime
import uuid as uuidlib
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass, field

from lxml import etree

from bids.espd import answers as espd_answers
from bids.espd.taxonomy import CAC, CBC, groups, parse_fragment

RESPONSE_NS = "urn:oasis:names:specification:ubl:schema:xsd:QualificationApplicationResponse-2"
REQUEST_NS = "urn:oasis:names:specification:ubl:schema:xsd:QualificationApplicationRequest-2"
EDM_VERSION = "4.1.0"
CURRENCY = "NOK"
# ESPD-EDM's lot id for a procedure that is not divided into lots (the taxonomy's criteria carry
# it as their default); a tender's lots are named as its notice names them (``bids.espd.lots``).
WHOLE_PROCEDURE_LOT = "LOT-0000"
NSMAP = {None: RESPONSE_NS, "cac": CAC, "cbc": CBC}


@dataclass(frozen=True)
class Party:
    """An economic operator as the ESPD names it (prefilled from the supplier's profile)."""

    org_number: str
    name: str
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "NOR"  # ISO 3166 alpha-3
    website: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    size: str = ""  # micro, small, medium, large

    def to_dict(self) -> dict[str, str]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict | None) -> Party:
        data = data or {}
        return cls(**{key: str(data.get(key) or "") for key in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Procedure:
    reference: str
    title: str
    buyer_name: str
    buyer_org_number: str
    procedure_code: str = "open"


@dataclass(frozen=True)
class CriterionXml:
    code: str
    xml: str


@dataclass
class ResponseDocument:
    procedure: Procedure
    party: Party
    role: str  # sole-tenderer, group-lead, group-mem
    criteria: list[CriterionXml]
    answers: dict[str, str]
    group_name: str = ""
    lot: str = WHOLE_PROCEDURE_LOT  # the one lot this response is for (BR-LOT-10)
    requirements: dict[str, str] = field(default_factory=dict)  # the buyer's, by property id
    issued_at: datetime.datetime = field(
        default_factory=lambda: datetime.datetime.now(datetime.UTC)
    )
    document_uuid: str = field(default_factory=lambda: str(uuidlib.uuid4()))


@dataclass
class RequestDocument:
    """The buyer's ESPD request: the tender, its lots, the criteria asked and what the buyer
    requires on them (by property id)."""

    procedure: Procedure
    criteria: list[CriterionXml]
    lots: list[str] = field(default_factory=lambda: [WHOLE_PROCEDURE_LOT])
    requirements: dict[str, str] = field(default_factory=dict)
    issued_at: datetime.datetime = field(
        default_factory=lambda: datetime.datetime.now(datetime.UTC)
    )
    document_uuid: str = field(default_factory=lambda: str(uuidlib.uuid4()))


def _cbc(parent, name: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CBC}}}{name}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = text
    return element


def _cac(parent, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def _id_attrs() -> dict[str, str]:
    return {"schemeID": "Criterion", "schemeAgencyID": "OP", "schemeVersionID": EDM_VERSION}


def _header(root, doc: ResponseDocument | RequestDocument, *, prefix: str) -> None:
    _cbc(root, "UBLVersionID", "2.3", schemeAgencyID="OASIS-UBL-TC")
    _cbc(
        root,
        "ProfileExecutionID",
        f"ESPD-EDMv{EDM_VERSION}",
        schemeAgencyID="OP",
        schemeVersionID=EDM_VERSION,
    )
    _cbc(root, "ID", f"{prefix}-PILOTMARKED-{doc.document_uuid}", schemeAgencyID="PILOTMARKED")
    _cbc(root, "CopyIndicator", "false")
    _cbc(
        root,
        "UUID",
        doc.document_uuid,
        schemeID="ISO/IEC 9834-8:2008 - 4UUID",
        schemeAgencyID="PILOTMARKED",
        schemeVersionID=EDM_VERSION,
    )
    _cbc(root, "ContractFolderID", doc.procedure.reference, schemeAgencyID="PILOTMARKED")
    issued = doc.issued_at.astimezone(datetime.UTC)
    _cbc(root, "IssueDate", issued.date().isoformat())
    _cbc(root, "IssueTime", issued.strftime("%H:%M:%S") + "Z")
    role = getattr(doc, "role", "")
    if role in ("group-lead", "group-mem") and doc.group_name:
        _cbc(root, "EconomicOperatorGroupName", doc.group_name)
    _cbc(root, "VersionID", EDM_VERSION, schemeAgencyID="OP", schemeVersionID=EDM_VERSION)
    _cbc(
        root,
        "ProcedureCode",
        doc.procedure.procedure_code,
        listID="http://publications.europa.eu/resource/authority/procurement-procedure-type",
        listAgencyID="OP",
        listVersionID="20250924-0",
    )


def _contracting_party(root, procedure: Procedure) -> None:
    party = _cac(_cac(root, "ContractingParty"), "Party")
    identification = _cac(party, "PartyIdentification")
    _cbc(identification, "ID", procedure.buyer_org_number, schemeAgencyID="NO-BRREG")
    _cbc(_cac(party, "PartyName"), "Name", procedure.buyer_name)
    country = _cac(_cac(party, "PostalAddress"), "Country")
    _country_code(country, "NOR")


def _country_code(parent, code: str) -> None:
    _cbc(
        parent,
        "IdentificationCode",
        code,
        listID="http://publications.europa.eu/resource/authority/country",
        listAgencyID="OP",
        listVersionID="20250924-0",
    )


def _economic_operator(root, doc: ResponseDocument) -> None:
    operator = _cac(root, "EconomicOperatorParty")
    role = _cac(operator, "EconomicOperatorRole")
    _cbc(
        role,
        "RoleCode",
        doc.role,
        listID="http://publications.europa.eu/resource/authority/eo-role-type",
        listAgencyID="OP",
        listVersionID="20211208-0",
        listName="EoRoleType",
    )
    p = doc.party
    party = _cac(operator, "Party")
    if p.website:
        _cbc(party, "WebsiteURI", p.website)
    _cbc(
        party,
        "IndustryClassificationCode",
        p.size or "large",
        listID="economic-operator-size",
        listAgencyID="OP",
        listVersionID=EDM_VERSION,
    )
    _cbc(_cac(party, "PartyIdentification"), "ID", p.org_number, schemeAgencyID="NO-BRREG")
    _cbc(_cac(party, "PartyName"), "Name", p.name)
    address = _cac(party, "PostalAddress")
    if p.street:
        _cbc(address, "StreetName", p.street)
    if p.city:
        _cbc(address, "CityName", p.city)
    if p.postal_code:
        _cbc(address, "PostalZone", p.postal_code)
    _country_code(_cac(address, "Country"), p.country or "NOR")
    if p.contact_name or p.contact_phone or p.contact_email:
        contact = _cac(party, "Contact")
        if p.contact_name:
            _cbc(contact, "Name", p.contact_name)
        if p.contact_phone:
            _cbc(contact, "Telephone", p.contact_phone)
        if p.contact_email:
            _cbc(contact, "ElectronicMail", p.contact_email)


def _response_value(parent, value_type: str, value: str, evidence_ids: dict[str, str]) -> None:
    if value_type == "PERIOD":
        start, _sep, end = value.partition("/")
        period = _cac(parent, "ApplicablePeriod")
        _cbc(period, "StartDate", start)
        _cbc(period, "EndDate", end)
        return
    if value_type == "EVIDENCE_IDENTIFIER":
        _cbc(
            _cac(parent, "EvidenceSupplied"),
            "ID",
            evidence_ids[value],
            schemeAgencyID="PILOTMARKED",
        )
        return
    holder = _cac(parent, "ResponseValue")
    _cbc(holder, "ID", str(uuidlib.uuid4()), schemeAgencyID="PILOTMARKED")
    if value_type == "INDICATOR":
        _cbc(holder, "ResponseIndicator", value)
    elif value_type == "DATE":
        _cbc(holder, "ResponseDate", value)
    elif value_type in espd_answers.AMOUNT_TYPES:
        _cbc(holder, "ResponseAmount", value, currencyID=CURRENCY)
    elif value_type == "PERCENTAGE":
        _cbc(holder, "ResponseNumeric", value, format="PERCENTAGE")
    elif value_type == "QUANTITY_YEAR":
        _cbc(holder, "ResponseQuantity", value, unitCode="YEAR")
    elif value_type in ("QUANTITY", "QUANTITY_INTEGER"):
        _cbc(holder, "ResponseQuantity", value)
    elif value_type == "MAXIMUM_VALUE_NUMERIC":
        _cbc(holder, "ResponseNumeric", value)
    elif value_type == "CODE_COUNTRY":
        _cbc(
            holder,
            "ResponseCode",
            value,
            listID="http://publications.europa.eu/resource/authority/country",
            listAgencyID="OP",
            listVersionID="20250924-0",
        )
    elif value_type in ("CODE", "CODE_BOOLEAN"):
        _cbc(
            holder,
            "ResponseCode",
            value,
            listID="eo-role-type",
            listAgencyID="OP",
            listVersionID=EDM_VERSION,
        )
    elif value_type in (
        "IDENTIFIER",
        "QUAL_IDENTIFIER",
        "ECONOMIC_OPERATOR_IDENTIFIER",
    ):
        _cbc(holder, "ResponseID", value, schemeAgencyID="PILOTMARKED")
    elif value_type == "URL":
        _cbc(holder, "ResponseURI", value)
    elif value_type == "TIME":
        _cbc(holder, "ResponseTime", value)
    else:
        _cbc(holder, "Description", value)


def _answered(doc: ResponseDocument) -> Iterable[tuple[str, str, str]]:
    """(property id, data type, value) of every answer to a question asked, in order."""
    for criterion in doc.criteria:
        tree = groups(criterion.xml)
        kept = espd_answers.kept(tree, doc.answers)
        for item in espd_answers.asked(tree, kept):
            value = kept.get(item.property.id, "")
            if value:
                yield item.property.id, item.property.value_type, value


def criterion_for_lots(xml: str, lots: list[str]) -> etree._Element:
    """The taxonomy's criterion, its lot references naming ``lots``: one
    ``cac:ProcurementProjectLotReference`` per lot where the criterion has one (selection
    criteria, BR-LOT-41; exclusion grounds have none, BR-LOT-40), and the buyer's
    ``LOT_IDENTIFIER`` requirement expecting the first."""
    element = parse_fragment(xml)
    references = element.findall(f"{{{CAC}}}ProcurementProjectLotReference")
    if references:
        anchor = references[0]
        for lot in lots:
            reference = etree.Element(f"{{{CAC}}}ProcurementProjectLotReference")
            _cbc(reference, "ID", lot, **_id_attrs())
            anchor.addprevious(reference)
        for old in references:
            element.remove(old)
    # The buyer's requirement group names the lot it applies to: one group per lot.
    for group in element.findall(f"{{{CAC}}}TenderingCriterionPropertyGroup"):
        if not _lot_properties(group, deep=False):
            continue
        previous = group
        for lot in lots[1:]:
            copy = deepcopy(group)
            _expect_lot(copy, lot, deep=False)
            previous.addnext(copy)
            previous = copy
        _expect_lot(group, lots[0], deep=False)
    if lots:
        _expect_lot(element, lots[0], deep=True)  # any left deeper down: the first lot
    return element


def _lot_properties(parent, *, deep: bool) -> list:
    found = (
        parent.iter(f"{{{CAC}}}TenderingCriterionProperty")
        if deep
        else parent.findall(f"{{{CAC}}}TenderingCriterionProperty")
    )
    return [
        prop
        for prop in found
        if prop.findtext(f"{{{CBC}}}ValueDataTypeCode", "").strip() == "LOT_IDENTIFIER"
        and prop.find(f"{{{CBC}}}ExpectedID") is not None
    ]


def _expect_lot(parent, lot: str, *, deep: bool) -> None:
    """Set the expected lot; deep down, only where the taxonomy's default is still there."""
    for prop in _lot_properties(parent, deep=deep):
        expected = prop.find(f"{{{CBC}}}ExpectedID")
        if deep and (expected.text or "").strip() != WHOLE_PROCEDURE_LOT:
            continue
        expected.text = lot


def with_requirements(element: etree._Element, requirements: dict[str, str]) -> etree._Element:
    """The buyer's stated requirements (``bids.espd.requirements``) written into a criterion's
    requirement group: each value into its property's own Expected…/Minimum… element, in place
    of the taxonomy's example, amounts in NOK."""
    if not requirements:
        return element
    for prop in element.iter(f"{{{CAC}}}TenderingCriterionProperty"):
        value = requirements.get(prop.findtext(f"{{{CBC}}}ID", "").strip())
        if not value:
            continue
        for child in prop:
            if etree.QName(child).localname.startswith(("Expected", "Minimum", "Maximum")):
                child.text = value
                if "currencyID" in child.attrib:
                    child.set("currencyID", CURRENCY)
                break
    return element


def build_request(doc: RequestDocument) -> bytes:
    """The ESPD-EDM 4.1.0 request XML (UBL 2.3 ``QualificationApplicationRequest``): the
    tender's lots as its notice names them, each criterion's lot references and the buyer's
    requirements written into the criterion's requirement groups."""
    nsmap = {None: REQUEST_NS, "cac": CAC, "cbc": CBC}
    root = etree.Element(f"{{{REQUEST_NS}}}QualificationApplicationRequest", nsmap=nsmap)
    _header(root, doc, prefix="ESPDREQ")
    _contracting_party(root, doc.procedure)
    project = _cac(root, "ProcurementProject")
    _cbc(project, "Name", doc.procedure.title[:200])
    for lot in doc.lots:
        _cbc(_cac(root, "ProcurementProjectLot"), "ID", lot, **_id_attrs())
    for criterion in doc.criteria:
        root.append(
            with_requirements(criterion_for_lots(criterion.xml, doc.lots), doc.requirements)
        )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def build_response(doc: ResponseDocument) -> bytes:
    root = etree.Element(f"{{{RESPONSE_NS}}}QualificationApplicationResponse", nsmap=NSMAP)
    _header(root, doc, prefix="ESPDRESP")
    _contracting_party(root, doc.procedure)
    _economic_operator(root, doc)
    project = _cac(root, "ProcurementProject")
    _cbc(project, "Name", doc.procedure.title[:200])
    _cbc(_cac(root, "ProcurementProjectLot"), "ID", doc.lot, **_id_attrs())
    for criterion in doc.criteria:
        root.append(
            with_requirements(criterion_for_lots(criterion.xml, [doc.lot]), doc.requirements)
        )
    answered = list(_answered(doc))
    evidence_ids = {
        value: f"EVIDENCE-{number:04d}"
        for number, value in enumerate(
            dict.fromkeys(v for _id, kind, v in answered if kind == "EVIDENCE_IDENTIFIER"), 1
        )
    }
    for property_id, value_type, value in answered:
        response = _cac(root, "TenderingCriterionResponse")
        _cbc(response, "ID", str(uuidlib.uuid4()), schemeAgencyID="PILOTMARKED")
        _cbc(response, "ValidatedCriterionPropertyID", property_id, **_id_attrs())
        _response_value(response, value_type, value, evidence_ids)
    for url, evidence_id in evidence_ids.items():
        evidence = _cac(root, "Evidence")
        _cbc(evidence, "ID", evidence_id, schemeAgencyID="PILOTMARKED")
        reference = _cac(evidence, "DocumentReference")
        _cbc(reference, "ID", evidence_id, schemeAgencyID="PILOTMARKED")
        _cbc(_cac(_cac(reference, "Attachment"), "ExternalReference"), "URI", url)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
