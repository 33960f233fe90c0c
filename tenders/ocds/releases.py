"""One tender's current state as OCDS 1.1 releases: planning (from its need), and tender (with
lots and items), awards and contracts.

Functions of the model objects, so tests can check them as dicts. They build what a release says;
``tenders.ocds.store`` gives it its stable id and keeps it. Fields of extensions are used as the
extensions define them (``tenders.ocds.extensions``); apps above tenders add their part of a
release through ``tenders.ocds.contributors`` (the pilots app: the contracts' implementation).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from tenders.models import Need, Procedure, Tender

from .contributors import contribute

# Our procedures in OCDS's closed "method" codelist.
METHODS = {
    Procedure.OPEN: "open",
    Procedure.SIMPLE: "open",
    Procedure.RESTRICTED: "selective",
    Procedure.NEGOTIATION: "selective",
    Procedure.DIALOGUE: "selective",
    Procedure.INNOVATION_PARTNERSHIP: "selective",
    Procedure.PRE_COMMERCIAL: "selective",
}
# Our statuses in OCDS's "tenderStatus" codelist: the process stays active through evaluation.
STATUSES = {
    Tender.Status.DRAFT: "planned",
    Tender.Status.PUBLISHED: "active",
    Tender.Status.CLOSED: "active",
    Tender.Status.IN_EVALUATION: "active",
    Tender.Status.AWARDED: "complete",
    Tender.Status.CANCELLED: "cancelled",
}
CATEGORIES = {"goods": "goods", "services": "services", "works": "works"}
PARTY_SCHEME = "NO-BRC"  # org-id.guide: the Brønnøysund Register Centre


def ocid_for(tender: Tender) -> str:
    return f"{settings.OCDS_OCID_PREFIX}{tender.reference}"


def iso(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _amount(value: Decimal | None) -> dict | None:
    return None if value is None else {"amount": int(value), "currency": "NOK"}


def _text(html: str) -> str:
    return " ".join(strip_tags(html).split())


def _prune(value):
    """Drop None, empty strings, lists and objects: OCDS wants fields absent, not empty."""
    if isinstance(value, dict):
        pruned = {key: _prune(item) for key, item in value.items()}
        return {key: item for key, item in pruned.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        return [item for item in (_prune(item) for item in value) if item not in (None, "", [], {})]
    return value


def party_id(tender: Tender) -> str:
    return f"{PARTY_SCHEME}-{tender.buyer.org_number}"


def _buyer_party(tender: Tender) -> dict:
    buyer = tender.buyer
    return {
        "id": party_id(tender),
        "name": buyer.name,
        "identifier": {"scheme": PARTY_SCHEME, "id": buyer.org_number, "legalName": buyer.name},
        "roles": ["buyer", "procuringEntity"],
        # The buying unit is the department to contact (core OCDS has no field for units).
        "contactPoint": {"name": tender.unit.name} if tender.unit_id else None,
    }


def _classification(code) -> dict:
    return {"scheme": "CPV", "id": code.code, "description": code.name_en or code.name_nb}


def _items(tender: Tender) -> list[dict]:
    """One item per lot (its CPV codes, or the tender's), or one for an undivided tender."""
    main = tender.main_cpv
    additional = list(tender.additional_cpv.all())
    lots = list(tender.lots.all())
    if not lots:
        if main is None:
            return []
        return [
            {
                "id": "1",
                "description": tender.title,
                "classification": _classification(main),
                "additionalClassifications": [_classification(code) for code in additional],
            }
        ]
    items = []
    for lot in lots:
        codes = list(lot.cpv_codes.all()) or [code for code in [main, *additional] if code]
        if not codes:
            continue
        items.append(
            {
                "id": f"lot-{lot.number}",
                "description": lot.title,
                "classification": _classification(codes[0]),
                "additionalClassifications": [_classification(code) for code in codes[1:]],
                "relatedLot": f"lot-{lot.number}",
            }
        )
    return items


def _lots(tender: Tender) -> list[dict]:
    """The Lots extension's lots, each with the Suitability extension's ``suitability.sme``."""
    return [
        {
            "id": f"lot-{lot.number}",
            "title": lot.title,
            "description": lot.description,
            "value": _amount(lot.estimated_value),
            "status": STATUSES[tender.status],
            "suitability": {"sme": lot.suitable_for_smb},
        }
        for lot in tender.lots.all()
    ]


def _documents(tender: Tender) -> list[dict]:
    if tender.status == Tender.Status.DRAFT:
        return []
    documents = []
    for document in tender.documents.all():
        if document.removed_at is not None:
            continue
        try:
            url = reverse("tenders:document_download", args=[tender.reference, document.pk])
        except NoReverseMatch:
            url = ""
        documents.append(
            {
                "id": str(document.pk),
                "documentType": "biddingDocuments",
                "title": document.title or document.original_name,
                "url": f"{settings.SITE_URL.rstrip('/')}{url}" if url else None,
                "format": document.content_type,
                "datePublished": iso(document.uploaded_at),
                "language": "nb",
            }
        )
    return documents


def release_date(tender: Tender) -> datetime.datetime:
    """The moment of the tender's latest public change."""
    moments = [
        tender.published_at,
        tender.closed_at,
        tender.evaluation_started_at,
        tender.awarded_at,
        tender.cancelled_at,
        *(amendment.created_at for amendment in tender.amendments.all()),
    ]
    now = timezone.now()
    known = [moment for moment in moments if moment is not None and moment <= now]
    return max(known) if known else tender.created_at


def _award_decisions(tender: Tender) -> list:
    """The award decisions of an awarded tender (the bids app's rows, reached through the
    reverse relation: the tenders app does not import the bids app)."""
    if tender.status != Tender.Status.AWARDED or not hasattr(tender, "award_decisions"):
        return []
    return list(
        tender.award_decisions.select_related("lot", "bid__supplier").order_by(
            "lot__number", "decided_at", "pk"
        )
    )


def _supplier_party(supplier) -> dict:
    return {
        "id": f"{PARTY_SCHEME}-{supplier.org_number}",
        "name": supplier.name,
        "identifier": {
            "scheme": PARTY_SCHEME,
            "id": supplier.org_number,
            "legalName": supplier.name,
        },
        "roles": ["supplier"],
    }


def _winning_price(tender: Tender, decision) -> Decimal | None:
    opening = getattr(tender, "opening", None)
    protocol = getattr(opening, "protocol", None) or {}
    for entry in protocol.get("bids", []):
        if entry.get("bid") != str(decision.bid.public_id):
            continue
        for line in entry.get("lots", []):
            if line.get("lot_id") == decision.lot_id and line.get("price"):
                return Decimal(str(line["price"]))
    return None


def _awards(tender: Tender, decisions: list) -> list[dict]:
    return [
        {
            "id": f"award-{decision.pk}",
            "title": f"{decision.lot.title}",
            "description": decision.reasons,
            "status": "active" if decision.status == "active" else "cancelled",
            "date": iso(decision.decided_at),
            "value": _amount(_winning_price(tender, decision)),
            "suppliers": [
                {
                    "id": f"{PARTY_SCHEME}-{decision.bid.supplier.org_number}",
                    "name": decision.bid.supplier.name,
                }
            ],
            "relatedLots": [f"lot-{decision.lot.number}"],
        }
        for decision in decisions
    ]


def _contracts(tender: Tender, decisions: list) -> list[dict]:
    return [
        {
            "id": f"contract-{decision.pk}",
            "awardID": f"award-{decision.pk}",
            "title": decision.lot.title,
            "status": "active" if decision.contract_signed_at else "pending",
            "value": _amount(_winning_price(tender, decision)),
            "dateSigned": iso(decision.contract_signed_at),
            "period": {"startDate": iso(decision.standstill_ends_at)},
        }
        for decision in decisions
        if decision.status == "active"
    ]


def _tags(tender: Tender) -> list[str]:
    if tender.status == Tender.Status.CANCELLED:
        return ["tenderCancellation"]
    if tender.status == Tender.Status.AWARDED:
        return ["award"]
    if tender.amendments.all():
        return ["tenderAmendment"]
    if tender.status == Tender.Status.PUBLISHED:
        return ["tender"]
    return ["tenderUpdate"]


def tender_release(tender: Tender) -> dict:
    ocid = ocid_for(tender)
    with translation.override("en"):
        procedure = tender.get_procedure_display() if tender.procedure else ""
    criteria = list(tender.criteria.all())
    requirements = list(tender.requirements.all())
    release = {
        "ocid": ocid,
        "date": iso(release_date(tender)),
        "tag": _tags(tender),
        "initiationType": "tender",
        "language": "nb",
        "parties": [_buyer_party(tender)],
        "buyer": {"id": party_id(tender), "name": tender.buyer.name},
        "tender": {
            "id": tender.reference,
            "title": tender.title,
            "description": _text(tender.description),
            "status": STATUSES[tender.status],
            "procuringEntity": {"id": party_id(tender), "name": tender.buyer.name},
            "items": _items(tender),
            "value": _amount(tender.estimated_value),
            "procurementMethod": METHODS.get(tender.procedure),
            "procurementMethodDetails": procedure,
            "mainProcurementCategory": CATEGORIES.get(tender.contract_type),
            "awardCriteria": "ratedCriteria" if criteria else None,
            "awardCriteriaDetails": "; ".join(f"{c.name}: {c.weight} %" for c in criteria),
            "submissionMethod": ["electronicSubmission"],
            "tenderPeriod": {
                "startDate": iso(tender.published_at),
                "endDate": iso(tender.submission_deadline),
            },
            "enquiryPeriod": {
                "startDate": iso(tender.published_at),
                "endDate": iso(tender.question_deadline),
            },
            "hasEnquiries": any(q.published_at for q in tender.questions.all()),
            "eligibilityCriteria": "\n".join(r.text for r in requirements),
            "documents": _documents(tender),
            "amendments": [
                {
                    "id": str(amendment.number),
                    "date": iso(amendment.created_at),
                    "description": amendment.summary,
                }
                for amendment in tender.amendments.all()
            ],
            "lots": _lots(tender),
        },
    }
    if tender.need_id and tender.need.status != Need.Status.DRAFT:
        release["planning"] = _planning(tender.need)
    decisions = _award_decisions(tender)
    if decisions:
        suppliers = {d.bid.supplier.pk: d.bid.supplier for d in decisions}
        release["parties"] += [_supplier_party(s) for s in suppliers.values()]
        release["awards"] = _awards(tender, decisions)
        release["contracts"] = _contracts(tender, decisions)
        if any(d.contract_signed_at for d in decisions if d.status == "active"):
            release["tag"] = ["award", "contract"]
    contribute(tender, release)
    if any(contract.get("implementation") for contract in release.get("contracts", [])):
        release["tag"] = [*release["tag"], "implementation"]
    return _prune(release)


def _planning(need: Need) -> dict:
    budget = need.budget_max or need.budget_min
    return {
        "rationale": " ".join(need.problem.split()),
        "budget": {
            "description": need.title,
            "amount": _amount(budget),
        }
        if budget
        else None,
    }


def planning_release(tender: Tender) -> dict | None:
    """The need the tender grew from, as a planning release, when that need is public."""
    need = tender.need
    if need is None or need.status == Need.Status.DRAFT:
        return None
    ocid = ocid_for(tender)
    date = need.published_at or need.created_at
    return _prune(
        {
            "ocid": ocid,
            "date": iso(date),
            "tag": ["planning"],
            "initiationType": "tender",
            "language": "nb",
            "parties": [_buyer_party(tender)],
            "buyer": {"id": party_id(tender), "name": tender.buyer.name},
            "planning": _planning(need),
            "tender": {"id": tender.reference, "title": need.title, "status": "planning"},
        }
    )
