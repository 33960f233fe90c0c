"""A tender as plain values, to compare before and after an amendment and to audit changes.

Keys are the Tender's field names, so the history can label them; the parts (lots, criteria,
requirements, documents) use keys that are not field names, and their values are readable lines.
"""

from __future__ import annotations

from typing import Any

from marketplace.services.audit import canonical_json
from tenders.models import Tender

# Fields a buyer writes through the tender form (drafts) or an amendment (published).
EDITABLE_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "unit",
    "need",
    "doffin_reference",
    "procedure",
    "contract_type",
    "estimated_value",
    "main_cpv",
    "max_lots_per_bidder",
    "no_lots_justification",
    "joint_bids_allowed",
    "subcontracting_allowed",
    "is_pilot",
    "pilot_duration_months",
    "pilot_budget",
    "scale_up_option",
    "climate_consideration",
    "climate_consideration_note",
    "question_deadline",
    "submission_deadline",
    "opening_at",
    "two_person_opening",
)
M2M_FIELDS: tuple[str, ...] = ("additional_cpv", "municipalities", "themes")
DEADLINE_FIELDS = frozenset({"question_deadline", "submission_deadline", "opening_at"})
# Keys for the tender's parts in a snapshot (not field names: see the module docstring).
LOTS_KEY, CRITERIA_KEY, REQUIREMENTS_KEY, DOCUMENTS_KEY = (
    "lot_details",
    "award_criteria",
    "qualification_requirements",
    "tender_documents",
)


def _scalar(tender: Tender, name: str) -> Any:
    if name == "unit":
        return tender.unit.name if tender.unit_id else None
    if name == "need":
        return tender.need.title if tender.need_id else None
    if name == "main_cpv":
        return tender.main_cpv.code if tender.main_cpv_id else None
    return getattr(tender, name)


def _lot_line(lot) -> str:
    codes = ", ".join(sorted(code.code for code in lot.cpv_codes.all()))
    places = ", ".join(sorted(place.name for place in lot.municipalities.all()))
    parts = [f"{lot.number}. {lot.title}"]
    if lot.estimated_value is not None:
        parts.append(f"NOK {lot.estimated_value}")
    if codes:
        parts.append(f"CPV {codes}")
    if places:
        parts.append(places)
    if lot.suitable_for_smb:
        parts.append("SMB")
    if lot.description:
        parts.append(lot.description)
    return " | ".join(parts)


def tender_snapshot(tender: Tender) -> dict[str, Any]:
    """Everything a bidder relies on, as JSON-ready values."""
    data: dict[str, Any] = {name: _scalar(tender, name) for name in EDITABLE_FIELDS}
    data["additional_cpv"] = sorted(code.code for code in tender.additional_cpv.all())
    data["municipalities"] = sorted(place.name for place in tender.municipalities.all())
    data["themes"] = sorted(theme.slug for theme in tender.themes.all())
    data[LOTS_KEY] = [_lot_line(lot) for lot in tender.lots.order_by("number")]
    data[CRITERIA_KEY] = [
        f"{criterion.name} ({criterion.weight} %)"
        + (f": {criterion.description}" if criterion.description else "")
        for criterion in tender.criteria.order_by("order", "pk")
    ]
    data[REQUIREMENTS_KEY] = [
        requirement.text + (f" ({requirement.documentation})" if requirement.documentation else "")
        for requirement in tender.requirements.order_by("order", "pk")
    ]
    data[DOCUMENTS_KEY] = [
        f"{document.original_name} ({document.sha256[:12]})"
        for document in tender.documents.filter(removed_at__isnull=True).order_by("pk")
    ]
    return canonical_json(data)


def snapshot_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{key: {"before": x, "after": y}}`` for every key whose value changed."""
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in after
        if before.get(key) != after.get(key)
    }
