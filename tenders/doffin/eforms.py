"""eForms UBL notices (competition, planning and result notices; EU and national profiles).

Only what a supplier needs to find the opportunity is read: identity, title, description, buyer,
CPV codes, procedure, estimated value (with its currency), lots and deadlines. Dates carry their
UTC offset in eForms; TED-converted notices leave it out and mean Central European time, which is
Oslo time. A notice is known by what it says, never by the name of its file: its notice id, and
for the link Doffin's number, the TED publication number or the procurement documents' address.
"""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

from marketplace.formatting import OSLO

from .notices import (
    DOFFIN_NOTICE_URL,
    DOFFIN_NUMBER,
    DoffinNotice,
    MalformedNotice,
    NoticeLot,
    clean_cpv,
    clean_org_number,
    contract_type_for_cpv,
    unique,
)

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
}
ESTIMATED_VALUE = "cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount"
NOTICE_ROOTS = {"ContractNotice", "ContractAwardNotice", "PriorInformationNotice"}
# Each root lives in its own UBL document namespace ("…:xsd:ContractNotice-2").
ROOT_NAMESPACE = "urn:oasis:names:specification:ubl:schema:xsd:{root}-2"
ROOT_KIND = {
    "ContractNotice": "competition",
    "ContractAwardNotice": "result",
    "PriorInformationNotice": "planning",
}
# The notice-type code lists (BT-02): a voluntary ex-ante transparency notice announces an award.
LIST_KIND = {
    "planning": "planning",
    "competition": "competition",
    "result": "result",
    "dir-awa-pre": "result",
}
# eForms procedure codes (BT-105) with an equivalent in our Procedure choices.
PROCEDURES = {
    "open": "open",
    "restricted": "restricted",
    "neg-w-call": "negotiation",
    "comp-dial": "dialogue",
    "innovation": "innovation",
}
CONTRACT_TYPES = {"supplies": "goods", "services": "services", "works": "works"}
PREFERRED_LANGUAGES = ("NOB", "NOR", "NNO", "ENG")
# Planning notices put 2099-01-01 where the deadline is unknown: nothing that far ahead is real.
LATEST_PLAUSIBLE_DEADLINE = datetime.timedelta(days=366 * 10)
DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")
TIME = re.compile(r"^(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:\d{2})?$")
DEFAULT_DEADLINE_TIME = datetime.time(12, 0)
MAX_LOT_NUMBER = 32767  # Lot.number is a small integer
CURRENCY = re.compile(r"^[A-Z]{3}$")
# The Official Journal's publication number (BT-5; "2023/S 193-601506" in TED-converted notices,
# "00601506-2023" in eForms) and the notice's page on TED.
OJS_NUMBER = re.compile(
    r"^(?:(?P<year>\d{4})/S \d{1,3}-0*(?P<number>\d+)|0*(?P<n>\d+)-(?P<y>\d{4}))$"
)
TED_NOTICE_URL = "https://ted.europa.eu/en/notice/-/detail/{number}-{year}"


def parse(content: bytes) -> DoffinNotice:
    try:
        root = SafeElementTree.fromstring(content)
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise MalformedNotice(
            f"line {line} column {column}", f"not well-formed XML ({exc})"
        ) from exc
    except DefusedXmlException as exc:
        raise MalformedNotice("file", f"refused unsafe XML ({exc})") from exc
    root_name = _local(root)
    if root_name not in NOTICE_ROOTS:
        raise MalformedNotice("root element", f"<{root_name}> is not an eForms notice")
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    expected = ROOT_NAMESPACE.format(root=root_name)
    if namespace != expected:
        raise MalformedNotice(
            "root element",
            f"<{root_name}> is in the namespace {namespace or '(none)'}, not {expected}",
        )
    return _Notice(root, root_name).read()


def _local(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _text(element: Element | None, path: str) -> str:
    found = element.find(path, NS) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def _in_language(element: Element | None, path: str) -> str:
    """The text in Norwegian if the notice has it, else English, else whatever there is."""
    if element is None:
        return ""
    texts = [(e.get("languageID", ""), (e.text or "").strip()) for e in element.findall(path, NS)]
    texts = [(language, text) for language, text in texts if text]
    for preferred in PREFERRED_LANGUAGES:
        for language, text in texts:
            if language == preferred:
                return text
    return texts[0][1] if texts else ""


def _offset(text: str | None) -> datetime.tzinfo | None:
    if not text:
        return None
    if text == "Z":
        return datetime.UTC
    sign = 1 if text[0] == "+" else -1
    hours, minutes = int(text[1:3]), int(text[4:6])
    return datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))


def parse_datetime(
    date_text: str, time_text: str, *, where: str, default_time: datetime.time
) -> datetime.datetime:
    """eForms date and time ("2023-10-13+02:00", "12:00:00+02:00") as an aware datetime.

    The time's offset wins, then the date's; with neither the time is Oslo time.
    """
    date_match = DATE.match(date_text)
    time_match = TIME.match(time_text) if time_text else None
    if not date_match or (time_text and not time_match):
        raise MalformedNotice(where, f"not an eForms date and time: {date_text!r} {time_text!r}")
    try:
        day = datetime.date.fromisoformat(date_match.group(1))
        clock = datetime.time.fromisoformat(time_match.group(1)) if time_match else default_time
    except ValueError as exc:
        raise MalformedNotice(where, f"no such date or time: {date_text!r} {time_text!r}") from exc
    zone = _offset(time_match.group(2) if time_match else None) or _offset(date_match.group(2))
    return datetime.datetime.combine(day, clock, tzinfo=zone or OSLO)


def _amount(element: Element | None, path: str) -> tuple[Decimal | None, str]:
    """An amount and its currency (ISO 4217, NOK when the notice names none)."""
    found = element.find(path, NS) if element is not None else None
    if found is None or not (found.text or "").strip():
        return None, "NOK"
    currency = found.get("currencyID", "NOK").strip().upper()
    if not CURRENCY.match(currency):
        raise MalformedNotice(path, f"not a currency code: {found.get('currencyID')!r}")
    try:
        value = Decimal(found.text.strip())
    except InvalidOperation as exc:
        raise MalformedNotice(path, f"not an amount: {found.text!r}") from exc
    if not value.is_finite() or value < 0:
        return None, "NOK"
    return value.quantize(Decimal(1)), currency


def _cpv_codes(project: Element | None) -> list[str]:
    if project is None:
        return []
    paths = (
        "cac:MainCommodityClassification/cbc:ItemClassificationCode",
        "cac:AdditionalCommodityClassification/cbc:ItemClassificationCode",
    )
    return [clean_cpv(e.text) for path in paths for e in project.findall(path, NS)]


class _Notice:
    def __init__(self, root: Element, root_name: str):
        self.root = root
        self.root_name = root_name
        self.project = root.find("cac:ProcurementProject", NS)
        self.lots = root.findall("cac:ProcurementProjectLot", NS)

    def read(self) -> DoffinNotice:
        notice_id = _text(self.root, "cbc:ID[@schemeName='notice-id']") or _text(
            self.root, "cbc:ID"
        )
        if not notice_id:
            raise MalformedNotice(f"{self.root_name}/cbc:ID", "the notice has no identifier")
        type_element = self.root.find("cbc:NoticeTypeCode", NS)
        notice_type = (type_element.text or "").strip() if type_element is not None else ""
        kind = LIST_KIND.get(
            type_element.get("listName", "") if type_element is not None else "",
            ROOT_KIND[self.root_name],
        )
        first_lot_project = self.lots[0].find("cac:ProcurementProject", NS) if self.lots else None
        title = _in_language(self.project, "cbc:Name") or _in_language(
            first_lot_project, "cbc:Name"
        )
        if not title:
            raise MalformedNotice("ProcurementProject/cbc:Name", "the notice has no title")
        issue_date = _text(self.root, "cbc:IssueDate")
        if not issue_date:
            raise MalformedNotice(f"{self.root_name}/cbc:IssueDate", "no publication date")
        published_at = parse_datetime(
            issue_date,
            _text(self.root, "cbc:IssueTime"),
            where="cbc:IssueDate",
            default_time=datetime.time(0, 0),
        )
        buyer_name, buyer_org_number = self._buyer()
        lot_projects = [lot.find("cac:ProcurementProject", NS) for lot in self.lots]
        codes = _cpv_codes(self.project) + [c for p in lot_projects for c in _cpv_codes(p)]
        cpv_codes = unique(codes)
        number = notice_id if DOFFIN_NUMBER.match(notice_id) else ""
        procedure_code = _text(self.root, "cac:TenderingProcess/cbc:ProcedureCode")
        type_code = _text(self.project, "cbc:ProcurementTypeCode") or _text(
            first_lot_project, "cbc:ProcurementTypeCode"
        )
        estimated_value, currency = _amount(self.project, ESTIMATED_VALUE)
        if estimated_value is None and len(self.lots) == 1:
            estimated_value, currency = _amount(first_lot_project, ESTIMATED_VALUE)
        question_deadline, submission_deadline = self._deadlines(published_at)
        return DoffinNotice(
            external_id=notice_id,
            reference=f"DOFFIN-{number}" if number else f"DOFFIN-{self._short_id(notice_id)}",
            notice_type=notice_type or self.root_name,
            kind=kind,
            title=title,
            published_at=published_at,
            buyer_name=buyer_name,
            buyer_org_number=buyer_org_number,
            external_url=self._url(number),
            description=_in_language(self.project, "cbc:Description")
            or _in_language(first_lot_project, "cbc:Description"),
            cpv_codes=cpv_codes,
            procedure=PROCEDURES.get(procedure_code, ""),
            contract_type=CONTRACT_TYPES.get(type_code, "")
            or contract_type_for_cpv(cpv_codes[0] if cpv_codes else None),
            estimated_value=estimated_value,
            estimated_value_currency=currency,
            question_deadline=question_deadline,
            submission_deadline=submission_deadline,
            lots=self._lots(lot_projects) if len(self.lots) > 1 else (),
        )

    @staticmethod
    def _short_id(notice_id: str) -> str:
        try:
            return uuid.UUID(notice_id).hex[:12].upper()
        except ValueError:
            return re.sub(r"[^A-Za-z0-9-]", "", notice_id)[:30].upper()

    def _url(self, number: str) -> str:
        """Doffin's page for its own notices, else TED's page when the notice was published
        there, else the procurement documents or the buyer profile."""
        if number:
            return DOFFIN_NOTICE_URL.format(number=number)
        publication = _text(
            self.root, ".//efac:Publication/efbc:NoticePublicationID[@schemeName='ojs-notice-id']"
        )
        ojs = OJS_NUMBER.match(publication)
        if ojs:
            return TED_NOTICE_URL.format(
                number=ojs.group("number") or ojs.group("n"),
                year=ojs.group("year") or ojs.group("y"),
            )
        for path in (
            ".//cac:CallForTendersDocumentReference/cac:Attachment/cac:ExternalReference/cbc:URI",
            "cac:ContractingParty/cbc:BuyerProfileURI",
        ):
            uri = _text(self.root, path)
            if uri.startswith(("https://", "http://")):
                return uri[:500]
        return ""

    def _buyer(self) -> tuple[str, str]:
        buyer_id = _text(self.root, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID")
        for organization in self.root.iter(f"{{{NS['efac']}}}Organization"):
            company = organization.find("efac:Company", NS)
            if company is None or _text(company, "cac:PartyIdentification/cbc:ID") != buyer_id:
                continue
            name = _in_language(company, "cac:PartyName/cbc:Name")
            if name:
                number = _text(company, "cac:PartyLegalEntity/cbc:CompanyID")
                return name[:300], clean_org_number(number)
        name = _in_language(self.root, "cac:ContractingParty/cac:Party/cac:PartyName/cbc:Name")
        if not name:
            raise MalformedNotice("cac:ContractingParty", "the notice names no buyer")
        return name[:300], ""

    def _earliest(self, period: str, published_at: datetime.datetime) -> datetime.datetime | None:
        found = []
        for element in self.root.iterfind(f".//cac:{period}", NS):
            end_date = _text(element, "cbc:EndDate")
            if not end_date:
                continue
            moment = parse_datetime(
                end_date,
                _text(element, "cbc:EndTime"),
                where=f"cac:{period}/cbc:EndDate",
                default_time=DEFAULT_DEADLINE_TIME,
            )
            if moment <= published_at + LATEST_PLAUSIBLE_DEADLINE:
                found.append(moment)
        return min(found) if found else None

    def _deadlines(self, published_at):
        submission = self._earliest("TenderSubmissionDeadlinePeriod", published_at)
        if submission is None:  # restricted and negotiated: requests to take part are due then
            submission = self._earliest("ParticipationRequestReceptionPeriod", published_at)
        questions = self._earliest("AdditionalInformationRequestPeriod", published_at)
        if questions and submission and questions > submission:
            questions = None
        return questions, submission

    def _lots(self, lot_projects) -> tuple[NoticeLot, ...]:
        """The lots in the notice's order, numbered by their identifiers ("LOT-0002", "E60") when
        those give distinct numbers, else by position."""
        numbers = []
        for lot in self.lots:
            digits = re.sub(r"\D", "", _text(lot, "cbc:ID"))
            numbers.append(int(digits) if digits else 0)
        if 0 in numbers or len(set(numbers)) != len(numbers) or max(numbers) > MAX_LOT_NUMBER:
            numbers = list(range(1, len(self.lots) + 1))
        lots = []
        for number, project in zip(numbers, lot_projects, strict=True):
            value, currency = _amount(project, ESTIMATED_VALUE)
            lots.append(
                NoticeLot(
                    number=number,
                    title=(_in_language(project, "cbc:Name") or f"{number}")[:300],
                    description=_in_language(project, "cbc:Description")[:10000],
                    cpv_codes=unique(_cpv_codes(project)),
                    estimated_value=value,
                    estimated_value_currency=currency,
                )
            )
        return tuple(lots)
