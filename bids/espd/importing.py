"""Reading an ESPD response XML made in another tool (the EU's ESPD service, a county's
e-tendering system …) into a :class:`~bids.espd.services.ResponseContent`.

The file passes the one upload validator first (``marketplace.uploads``, purpose ``ESPD_XML``),
is parsed without DTDs, entities or network, must be a ``QualificationApplicationResponse`` and,
when the ESPD-EDM files are at hand, valid against its XSD. Every refusal is an
:class:`~marketplace.uploads.UploadRejected` on the ``file`` field saying what is wrong.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from lxml import etree

from bids.espd.services import (
    ResponseContent,
    espd_response_record_by_buyer,
    espd_response_save,
    require_import_allowed,
)
from bids.espd.taxonomy import CBC, NS, edm_dir
from bids.espd.validation import SCHEMAS, safe_parser, xsd_findings
from bids.espd.xml import RESPONSE_NS, Party
from marketplace.uploads import ESPD_XML, UploadRejected, check_upload

MAX_LISTED_ERRORS = 3


def _text(element, path: str) -> str:
    return " ".join((element.findtext(path, "", NS) or "").split()) if element is not None else ""


def espd_response_import(*, bid, organisation, uploaded, by, now=None):
    """Import an ESPD response XML for one organisation of the bid.

    The bidding side imports into its draft; after opening, the buyer's officer records one the
    bidder sent on request (FOA § 23-6, documentation asked for afterwards). Nothing changes
    unless the whole file is accepted.
    """
    side = require_import_allowed(by=by, bid=bid, organisation=organisation)
    content = parse(read_bytes(uploaded))
    if content.party.org_number != organisation.org_number:
        raise UploadRejected(
            _(
                "The ESPD response is from the organisation %(found)s, not from %(name)s "
                "(%(number)s)."
            )
            % {
                "found": content.party.org_number or "?",
                "name": organisation.name,
                "number": organisation.org_number,
            },
            code="espd_other_organisation",
        )
    if side == "buyer":
        return espd_response_record_by_buyer(
            bid=bid, organisation=organisation, content=content, by=by
        )
    return espd_response_save(
        bid=bid, organisation=organisation, content=content, by=by, now=now, imported=True
    )


def read_bytes(uploaded) -> bytes:
    check_upload(uploaded, purpose=ESPD_XML)
    uploaded.seek(0)
    return b"".join(uploaded.chunks())


def parse(data: bytes) -> ResponseContent:
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as error:
        raise UploadRejected(
            _("The file is not well-formed XML (line %(line)s: %(problem)s).")
            % {"line": error.lineno, "problem": error.msg},
            code="espd_malformed",
        ) from None
    if root.tag != f"{{{RESPONSE_NS}}}QualificationApplicationResponse":
        raise UploadRejected(
            _(
                "The file is XML but not an ESPD response (QualificationApplicationResponse, "
                "ESPD-EDM 4.1.0)."
            ),
            code="espd_not_a_response",
        )
    if (edm_dir() / SCHEMAS["response"]).exists():
        findings = xsd_findings(data)
        if findings:
            listed = "; ".join(f"{f.location}: {f.message}" for f in findings[:MAX_LISTED_ERRORS])
            raise UploadRejected(
                _("The ESPD response does not follow the ESPD-EDM 4.1.0 schema: %(errors)s")
                % {"errors": listed},
                code="espd_schema",
            )
    return ResponseContent(
        party=_party(root),
        answers=_answers(root),
        group_name=_text(root, "cbc:EconomicOperatorGroupName"),
    )


def _party(root) -> Party:
    party = root.find("cac:EconomicOperatorParty/cac:Party", NS)
    if party is None:
        raise UploadRejected(
            _("The ESPD response does not say which economic operator it is from."),
            code="espd_no_operator",
        )
    address = party.find("cac:PostalAddress", NS)
    contact = party.find("cac:Contact", NS)
    return Party(
        org_number=_text(party, "cac:PartyIdentification/cbc:ID").replace(" ", ""),
        name=_text(party, "cac:PartyName/cbc:Name"),
        street=_text(address, "cbc:StreetName"),
        postal_code=_text(address, "cbc:PostalZone"),
        city=_text(address, "cbc:CityName"),
        country=_text(address, "cac:Country/cbc:IdentificationCode") or "NOR",
        website=_text(party, "cbc:WebsiteURI"),
        contact_name=_text(contact, "cbc:Name"),
        contact_phone=_text(contact, "cbc:Telephone"),
        contact_email=_text(contact, "cbc:ElectronicMail"),
        size=_text(party, "cbc:IndustryClassificationCode").lower(),
    )


VALUE_ELEMENTS = (
    "ResponseIndicator",
    "ResponseDate",
    "ResponseAmount",
    "ResponseNumeric",
    "ResponseQuantity",
    "ResponseCode",
    "ResponseID",
    "ResponseURI",
    "ResponseTime",
    "Description",
)


def _answers(root) -> dict[str, str]:
    evidence = {
        _text(item, "cbc:ID"): _text(
            item, "cac:DocumentReference/cac:Attachment/cac:ExternalReference/cbc:URI"
        )
        for item in root.findall("cac:Evidence", NS)
    }
    answers: dict[str, str] = {}
    for response in root.findall("cac:TenderingCriterionResponse", NS):
        key = _text(response, "cbc:ValidatedCriterionPropertyID")
        if not key:
            continue
        period = response.find("cac:ApplicablePeriod", NS)
        supplied = response.find("cac:EvidenceSupplied", NS)
        value = response.find("cac:ResponseValue", NS)
        if period is not None:
            answers[key] = f"{_text(period, 'cbc:StartDate')}/{_text(period, 'cbc:EndDate')}"
        elif supplied is not None:
            answers[key] = evidence.get(_text(supplied, "cbc:ID"), "")
        elif value is not None:
            for name in VALUE_ELEMENTS:
                element = value.find(f"{{{CBC}}}{name}")
                if element is not None:
                    answers[key] = " ".join((element.text or "").split())
                    break
    return answers
