"""What a notice says, read from a tender: the form, the legal basis, the parties, the lots and,
after award, the results. Plain data; ``notices`` turns it into XML.

Which form (Norway's tailoring, eforms-sdk-nor/docs/procurements-beneath-threshold.md):

- EEA band: the EU forms, contract notice subtype 16 and contract award notice subtype 29
  (Directive 2014/24/EU, forwarded by Doffin to TED).
- below it: the national forms, E3 (contract notice) and E4 (contract award notice), with the
  legal basis the public procurement regulations (FOA, ELI .../2016/8/12/974) part 1, or parts
  1 and 2 in the national band.

Results come from the opening protocol and the award decisions, which exist only after the bids
were opened (the bids app's rows, reached through the tender's reverse relations as
``tenders.ocds`` does: the tenders app does not import the bids app).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.models import SupplierProfile
from marketplace.services.organisations import default_language_path
from marketplace.site_url import absolute_url

from ..models import ClimateConsideration, Procedure, Tender
from ..models.thresholds import ThresholdBand, cpv_contract_type_message, cpv_fits_contract_type
from . import identifiers

SDK_MINOR = "1.14"
ELI_FOA = "https://lovdata.no/eli/forskrift/2016/8/12/974"
NATIONAL_CUSTOMIZATION = (
    f"eforms-sdk-{SDK_MINOR}#extended#urn:fdc:anskaffelser.no:2026:eforms:national-e"
)
# Doffin's EU profile: Norwegian and English text; Doffin forwards the English to TED.
EU_CUSTOMIZATION = f"eforms-sdk-{SDK_MINOR}#extended#urn:fdc:anskaffelser.no:2023:eforms:eu"
# BT-105: our procedures in the eForms code list (simple below-threshold competitions are open).
PROCEDURE_CODES = {
    Procedure.OPEN: "open",
    Procedure.RESTRICTED: "restricted",
    Procedure.NEGOTIATION: "neg-w-call",
    Procedure.DIALOGUE: "comp-dial",
    Procedure.INNOVATION_PARTNERSHIP: "innovation",
    Procedure.PRE_COMMERCIAL: "oth-single",
    Procedure.SIMPLE: "open",
}
CONTRACT_NATURE = {"goods": "supplies", "services": "services", "works": "works"}


class NoticeNotPossible(DomainError):
    """The tender cannot have this notice (yet): the message says why."""

    code = "eforms_not_possible"


@dataclass(frozen=True)
class Form:
    """Which eForms form a notice uses and under which rules it is judged."""

    contract_subtype: str
    award_subtype: str
    customization: str
    regulatory_domain: str
    national: bool
    languages: tuple[str, ...] = ("NOR",)
    legal_basis_nob: str = ""
    legal_basis_eng: str = ""

    def subtype(self, kind: str) -> str:
        return self.award_subtype if kind == "award" else self.contract_subtype


# The EU forms are in English first (TED publishes only the EU languages), Norwegian beside it.
EU_FORM = Form("16", "29", EU_CUSTOMIZATION, "32014L0024", national=False, languages=("ENG", "NOR"))


def form_for(tender: Tender) -> Form:
    if tender.threshold_band == ThresholdBand.EEA:
        return EU_FORM
    both_parts = tender.threshold_band == ThresholdBand.NATIONAL
    return Form(
        "E3",
        "E4",
        NATIONAL_CUSTOMIZATION,
        "other",
        national=True,
        legal_basis_nob="NOR — Anskaffelsesforskriften Del 1" + (" og 2" if both_parts else ""),
        legal_basis_eng=(
            "NOR — Public Procurement Regulations Parts 1 and 2"
            if both_parts
            else "NOR — Public Procurement Regulations Part 1"
        ),
    )


@dataclass(frozen=True)
class Party:
    """An organisation named in the notice (``ORG-0001`` is always the buyer)."""

    id: str
    name: str
    org_number: str
    city: str = ""
    postal_code: str = ""
    nuts: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    size: str = ""  # economic-operator-size (winners only): micro, small, medium, large


@dataclass(frozen=True)
class NoticeLot:
    id: str
    number: int
    title: str
    description: str
    title_en: str
    description_en: str
    main_cpv: str
    additional_cpv: tuple[str, ...]
    nuts: str
    estimated_value: Decimal | None


@dataclass(frozen=True)
class NoticeCriterion:
    name: str
    description: str
    weight: int
    kind: str  # a Criterion.Kind value


@dataclass(frozen=True)
class LotResult:
    """The result of one lot: who won at what price, out of how many bids."""

    lot: NoticeLot
    winner: Party | None
    price: Decimal | None
    bids_received: int
    decided_at: datetime.datetime | None
    sme_bids: int = 0
    subcontracting: bool = False


@dataclass(frozen=True)
class NoticeContent:
    reference: str
    title: str
    description: str
    title_en: str
    description_en: str
    form: Form
    buyer: Party
    review_body: Party
    procedure_code: str
    contract_nature: str
    main_cpv: str
    additional_cpv: tuple[str, ...]
    nuts: str
    estimated_value: Decimal | None
    submission_deadline: datetime.datetime | None
    question_deadline: datetime.datetime | None
    lots: tuple[NoticeLot, ...]
    criteria: tuple[NoticeCriterion, ...]
    tender_url: str
    duration_months: int | None = None
    max_lots: int | None = None
    results: tuple[LotResult, ...] = field(default=())
    suppliers: tuple[Party, ...] = field(default=())
    # FOA § 7-9 when no award criterion carries it: a ClimateConsideration value and its note.
    climate_consideration: str = ClimateConsideration.CRITERION
    climate_note: str = ""


def plain(text: str, limit: int = 6000) -> str:
    """Notice text from our formatted text: tags removed, blank lines collapsed."""
    lines = [line.strip() for line in strip_tags(text or "").splitlines()]
    return "\n".join(line for line in lines if line)[:limit]


def _nuts(municipalities) -> str:
    codes = sorted({m.county.nuts_code for m in municipalities if m.county.nuts_code})
    return codes[0] if codes else settings.EFORMS_DEFAULT_NUTS


def _buyer(tender: Tender) -> Party:
    """The buyer, with the address and contact the operator configured for its organisation
    number (``EFORMS_BUYER_ADDRESSES``): every notice gives its telephone (BT-503)."""
    organisation = tender.buyer
    address = settings.EFORMS_BUYER_ADDRESSES.get(organisation.org_number, {})
    if not address.get("phone"):
        raise NoticeNotPossible(
            _(
                "The notice must give the buyer's telephone number, and none is configured for "
                '%(buyer)s (organisation number %(org_number)s): add a "phone" to its entry '
                "in the setting EFORMS_BUYER_ADDRESSES."
            )
            % {"buyer": organisation.name, "org_number": organisation.org_number},
            code="eforms_buyer_phone",
        )
    return Party(
        id=identifiers.part("ORG", 1),
        name=tender.display_buyer,
        org_number=organisation.org_number,
        city=address.get("city", ""),
        postal_code=address.get("postal_code", ""),
        nuts=address.get("nuts", ""),
        email=address.get("email", ""),
        phone=address["phone"],
        website=organisation.website or address.get("website", ""),
    )


def _review_body() -> Party:
    """The body that hears complaints (BT-500/501 of ORG-0002), from ``EFORMS_REVIEW_BODY``:
    by default the district court where the buyer sits."""
    body = settings.EFORMS_REVIEW_BODY
    if not (body.get("name") and body.get("org_number")):
        raise NoticeNotPossible(
            _(
                "The notice must name the review body with its organisation number: fill in "
                '"name" and "org_number" in the setting EFORMS_REVIEW_BODY.'
            ),
            code="eforms_review_body",
        )
    return Party(id=identifiers.part("ORG", 2), **body)


def english(cpv, reference: str, url: str) -> tuple[str, str]:
    """English text where the tender has none: what is bought (the CPV code's English label)
    and where the Norwegian documents are; nothing is machine-translated."""
    title = f"{cpv.name_en} ({reference})"
    return title, f"{cpv.name_en}. The procurement documents are in Norwegian: {url}"


def _lots(tender: Tender, nuts: str, url: str) -> tuple[NoticeLot, ...]:
    main_cpv = tender.main_cpv_id or ""
    lots = list(tender.lots.prefetch_related("cpv_codes", "municipalities__county"))
    if not lots:
        title_en, description_en = english(tender.main_cpv, tender.reference, url)
        return (
            NoticeLot(
                id=identifiers.lot_id(1),
                number=1,
                title=tender.title,
                description=plain(tender.description) or tender.title,
                title_en=title_en,
                description_en=description_en,
                main_cpv=main_cpv,
                additional_cpv=(),
                nuts=nuts,
                estimated_value=tender.estimated_value,
            ),
        )
    result = []
    for lot in lots:
        cpvs = sorted(lot.cpv_codes.all(), key=lambda code: code.code)
        # A lot's main code must fit the contract type too (BR-BT-00262-0209): the first of its
        # codes that does, else the tender's main code; the others are additional codes.
        fitting = [c for c in cpvs if cpv_fits_contract_type(c.code, tender.contract_type)]
        main = fitting[0] if fitting else tender.main_cpv
        codes = [main.code] + [c.code for c in cpvs if c.code != main.code]
        title_en, description_en = english(main, f"{tender.reference} lot {lot.number}", url)
        result.append(
            NoticeLot(
                id=identifiers.lot_id(lot.number),
                number=lot.number,
                title=lot.title,
                description=plain(lot.description) or lot.title,
                title_en=title_en,
                description_en=description_en,
                main_cpv=codes[0],
                additional_cpv=tuple(codes[1:]),
                nuts=_nuts(lot.municipalities.all()) if lot.municipalities.exists() else nuts,
                estimated_value=lot.estimated_value,
            )
        )
    return tuple(result)


def _tender_url(tender: Tender) -> str:
    path = default_language_path("tenders:tender_detail", reference=tender.reference)
    return absolute_url(path)


def notice_content(tender: Tender, *, tender_url: str = "") -> NoticeContent:
    """What every notice of ``tender`` says about the procedure, its buyer and its lots."""
    if tender.is_external or tender.buyer_id is None:
        raise NoticeNotPossible(
            "Only our own tenders get notices; this one was imported.", code="eforms_external"
        )
    if not tender.main_cpv_id:
        raise NoticeNotPossible("The tender has no main CPV code.", code="eforms_no_cpv")
    mismatch = cpv_contract_type_message(tender.main_cpv_id, tender.contract_type)
    if mismatch:
        raise NoticeNotPossible(mismatch, code="eforms_cpv_contract_type")
    nuts = _nuts(tender.municipalities.select_related("county"))
    url = tender_url or _tender_url(tender)
    title_en, description_en = english(tender.main_cpv, tender.reference, url)
    return NoticeContent(
        reference=tender.reference,
        title=tender.title,
        description=plain(tender.description) or tender.title,
        title_en=title_en,
        description_en=description_en,
        form=form_for(tender),
        buyer=_buyer(tender),
        review_body=_review_body(),
        procedure_code=PROCEDURE_CODES.get(tender.procedure, "open"),
        contract_nature=CONTRACT_NATURE[tender.contract_type],
        main_cpv=tender.main_cpv_id,
        additional_cpv=tuple(sorted(c.code for c in tender.additional_cpv.all())),
        nuts=nuts,
        estimated_value=tender.estimated_value,
        submission_deadline=tender.submission_deadline,
        question_deadline=tender.question_deadline,
        lots=_lots(tender, nuts, url),
        criteria=tuple(
            NoticeCriterion(c.name, plain(c.description, 400), c.weight, c.kind)
            for c in tender.criteria.all()
        ),
        tender_url=url,
        duration_months=tender.pilot_duration_months,
        max_lots=tender.max_lots_per_bidder,
        climate_consideration=tender.climate_consideration,
        climate_note=plain(tender.climate_consideration_note, 2000),
    )


def _protocol(tender: Tender) -> dict:
    """The opening protocol, frozen when the bids were opened; empty before that."""
    opening = getattr(tender, "opening", None)
    if opening is None or opening.opened_at is None:
        return {}
    return opening.protocol or {}


def award_content(tender: Tender, *, tender_url: str = "") -> NoticeContent:
    """The contract notice's content plus each lot's result, after award only."""
    if tender.status != Tender.Status.AWARDED:
        raise NoticeNotPossible(
            "A contract award notice is made after the tender is awarded.",
            code="eforms_not_awarded",
        )
    protocol = _protocol(tender)
    if not protocol:
        raise NoticeNotPossible("The bids have not been opened.", code="eforms_not_opened")
    content = notice_content(tender, tender_url=tender_url)
    decisions = list(
        tender.award_decisions.filter(status="active").select_related("lot", "bid__supplier")
    )
    by_lot = {decision.lot.number: decision for decision in decisions}
    profiles = {
        profile.organisation.org_number: profile
        for profile in SupplierProfile.objects.filter(
            organisation__org_number__in=[e.get("org_number") for e in protocol.get("bids", [])]
        ).select_related("organisation", "municipality__county")
    }
    suppliers: dict[str, Party] = {}
    results = []
    for lot in content.lots:
        entries = [
            entry
            for entry in protocol.get("bids", [])
            if not entry.get("lots")
            or any(line.get("number") == lot.number for line in entry["lots"])
        ]
        decision = by_lot.get(lot.number)
        winner = price = None
        subcontracting = False
        if decision is not None:
            supplier = decision.bid.supplier
            if supplier.org_number not in suppliers:
                suppliers[supplier.org_number] = _supplier(
                    supplier, identifiers.part("ORG", 3 + len(suppliers)), profiles
                )
            winner = suppliers[supplier.org_number]
            price = _price(entries, str(decision.bid.public_id), lot.number)
            subcontracting = any(
                entry.get("subcontractors")
                for entry in entries
                if entry.get("bid") == str(decision.bid.public_id)
            )
        results.append(
            LotResult(
                lot=lot,
                winner=winner,
                price=price,
                bids_received=len(entries),
                decided_at=decision.decided_at if decision else None,
                sme_bids=sum(
                    1
                    for entry in entries
                    if getattr(profiles.get(entry.get("org_number")), "sme_category", "")
                    in SME_CATEGORIES
                ),
                subcontracting=subcontracting,
            )
        )
    return NoticeContent(
        **{
            **content.__dict__,
            "results": tuple(results),
            "suppliers": tuple(suppliers.values()),
        }
    )


SME_CATEGORIES = ("micro", "small", "medium")


def _supplier(supplier, party_id: str, profiles: dict) -> Party:
    """A winner as the award notice names it: from its supplier profile where it has one."""
    profile = profiles.get(supplier.org_number)
    county = getattr(getattr(profile, "municipality", None), "county", None)
    return Party(
        id=party_id,
        name=supplier.name,
        org_number=supplier.org_number,
        city=getattr(profile, "postal_place", "") or "",
        postal_code=getattr(profile, "postal_code", "") or "",
        nuts=getattr(county, "nuts_code", "") or "",
        website=supplier.website,
        size=getattr(profile, "sme_category", "") or "",
    )


def _price(entries: list[dict], bid_id: str, lot_number: int) -> Decimal | None:
    for entry in entries:
        if entry.get("bid") != bid_id:
            continue
        for line in entry.get("lots", []):
            if line.get("number") == lot_number and line.get("price"):
                return Decimal(str(line["price"]))
    return None
