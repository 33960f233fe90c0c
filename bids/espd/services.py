"""Writes and reads of the ESPD: the buyer's request, each bidding organisation's response.

A response is sealed under its bid's data key (``bids.services.sealing``), like the rest of the
bid; the row says only whether it is complete. Audit events carry ids and statuses, never what
was answered. The submission check lives with the bid's other rules
(``bids.services.completeness`` calls :func:`espd_problems`).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bids.espd import answers as espd_answers
from bids.espd import integrity
from bids.espd import requirements as espd_requirements
from bids.espd.lots import bid_lot_ids
from bids.espd.names import ALWAYS_CODES, DEFAULT_CODES
from bids.espd.request_xml import procedure_of
from bids.espd.roles import answerers, role_of
from bids.espd.taxonomy import groups
from bids.espd.xml import CriterionXml, Party, ResponseDocument, build_response
from bids.models import Bid, EspdCriterion, EspdRequest, EspdResponse
from bids.services import sealing
from bids.services.guards import BidError, lock_bid, require_before_deadline, require_draft
from marketplace.errors import InvalidTransition, PermissionDenied
from marketplace.models import Organisation
from marketplace.policy import Action, user_can
from marketplace.services.audit import audit_record
from tenders.models import Tender, ThresholdBand


class EspdError(BidError):
    code = "espd_error"


# --- The request (buyer) ---------------------------------------------------------------------


def espd_applies(tender: Tender) -> bool:
    """An ESPD is asked for above the EEA threshold (FOA part III) on our own tenders."""
    return tender.threshold_band == ThresholdBand.EEA


def choosable_criteria():
    return EspdCriterion.objects.exclude(kind=EspdCriterion.Kind.OTHER).order_by("order", "pk")


def default_criteria():
    return choosable_criteria().filter(code__in=DEFAULT_CODES)


def request_for(tender: Tender) -> EspdRequest | None:
    return EspdRequest.objects.filter(tender=tender).first()


def request_criteria(request: EspdRequest | None) -> list[EspdCriterion]:
    """The request's criteria in taxonomy order: the buyer's choice and the ones always asked."""
    if request is None:
        return []
    return list(request.criteria.order_by("order", "pk"))


@transaction.atomic
def espd_request_set(
    *,
    tender: Tender,
    criteria: Iterable[EspdCriterion],
    by,
    requirements: dict[str, str] | None = None,
) -> EspdRequest:
    """Attach (or change) the tender's ESPD request while the tender is a draft: the criteria,
    and what the buyer requires on the selection criteria among them (``requirements`` by
    property id, ``bids.espd.requirements``; None keeps those already stated)."""
    if not user_can(by, Action.TENDER_MANAGE, tender):
        raise PermissionDenied(_("You may not change this tender."))
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status != Tender.Status.DRAFT:
        raise InvalidTransition(
            _("The ESPD request can be changed only while the tender is a draft."),
            code="espd_tender_not_draft",
        )
    if not espd_applies(tender):
        raise EspdError(
            _("An ESPD is used only for tenders above the EEA threshold."),
            code="espd_below_threshold",
            field="criteria",
        )
    chosen = [c for c in criteria if c.kind != EspdCriterion.Kind.OTHER]
    if not any(c.kind == EspdCriterion.Kind.EXCLUSION for c in chosen):
        raise EspdError(
            _("Choose at least one exclusion ground."), code="espd_no_exclusion", field="criteria"
        )
    always = list(EspdCriterion.objects.filter(code__in=ALWAYS_CODES))
    request, created = EspdRequest.objects.get_or_create(tender=tender, defaults={"updated_by": by})
    before = sorted(request.criteria.values_list("code", flat=True)) if not created else []
    before_requirements = dict(request.requirements or {})
    try:
        stated = espd_requirements.clean(
            chosen, before_requirements if requirements is None else requirements
        )
    except espd_requirements.InvalidRequirement as error:
        raise EspdError(
            str(error), code="espd_invalid_requirement", field=error.property_id
        ) from None
    request.criteria.set([*chosen, *always])
    request.requirements = stated
    request.updated_by = by
    request.updated_at = timezone.now()
    request.save(update_fields=["requirements", "updated_by", "updated_at"])
    audit_record(
        actor=by,
        action="tender.espd_request_set",
        obj=tender,
        before={"criteria": before, "requirements": before_requirements} if before else None,
        after={"criteria": sorted(c.code for c in [*chosen, *always]), "requirements": stated},
    )
    return request


# --- Who answers ---------------------------------------------------------------------------


def _require_answerer(by, bid: Bid, organisation: Organisation) -> str:
    role = role_of(bid, organisation)
    if role is None or not user_can(by, Action.BID_PREPARE, organisation):
        raise PermissionDenied(_("You may answer the ESPD only for your own organisation."))
    return role


# --- Prefill from the profile -----------------------------------------------------------------


def party_from_profile(organisation: Organisation) -> Party:
    profile = getattr(organisation, "profile", None)
    contact = getattr(profile, "contact", None) if profile else None
    return Party(
        org_number=organisation.org_number or "",
        name=organisation.name,
        street=getattr(profile, "street_address", "") or "",
        postal_code=getattr(profile, "postal_code", "") or "",
        city=getattr(profile, "postal_place", "") or "",
        website=organisation.website or "",
        contact_name=getattr(contact, "name", "") or "",
        contact_phone=getattr(contact, "phone", "") or "",
        contact_email=getattr(contact, "email", "") or "",
        size=getattr(profile, "sme_category", "") or "",
    )


def _first(criterion: EspdCriterion, value_type: str, *, group_suffix: str = "") -> str | None:
    for item in espd_answers.every_question(groups(criterion.xml)):
        if item.property.value_type == value_type and item.group.id.endswith(group_suffix):
            return item.property.id
    return None


def answers_from_profile(organisation: Organisation, criteria: list[EspdCriterion]) -> dict:
    """What the profile can answer: its SME status and its latest reference."""
    profile = getattr(organisation, "profile", None)
    answers: dict[str, str] = {}
    if profile is None:
        return answers
    by_code = {c.code: c for c in criteria}
    sme = by_code.get("sme")
    if sme is not None and profile.sme_category:
        indicator = _first(sme, "INDICATOR", group_suffix="QG1")
        if indicator:
            answers[indicator] = "false" if profile.sme_category == "large" else "true"
    service = by_code.get("service-perform")
    reference = profile.references.first() if service is not None else None
    if reference is not None:
        for item in espd_answers.every_question(groups(service.xml)):
            text = item.property.description.lower()
            if text == "reference description":
                answers[item.property.id] = reference.description
            elif text == "recipient name":
                answers[item.property.id] = reference.customer
            elif item.property.value_type == "PERIOD" and item.group.id.endswith("QSG2/QSG1"):
                answers[item.property.id] = f"{reference.year}-01-01/{reference.year}-12-31"
    return answers


def answers_from_bid(bid: Bid, organisation: Organisation, criteria: list[EspdCriterion]) -> dict:
    """What the bid itself says: whether the organisation bids together with others, its role
    and who the others are."""
    eo_group = next((c for c in criteria if c.code == "eo-group"), None)
    if eo_group is None:
        return {}
    everyone = answerers(bid)
    role = role_of(bid, organisation)
    answers: dict[str, str] = {}
    for item in espd_answers.every_question(groups(eo_group.xml)):
        prop = item.property
        if item.group.id.endswith("/QG1") and prop.value_type == "INDICATOR":
            answers[prop.id] = "true" if len(everyone) > 1 else "false"
        elif len(everyone) > 1 and item.group.id.endswith("/QG1/QSG1"):
            if prop.value_type == "CODE":
                answers[prop.id] = role or ""
            elif prop.description.startswith("Please identify"):
                answers[prop.id] = "; ".join(
                    f"{a.organisation.name} ({a.organisation.org_number})"
                    for a in everyone
                    if a.organisation.pk != organisation.pk
                )
            elif prop.description.startswith("Where applicable"):
                answers[prop.id] = group_name(bid)
    return answers


# --- Responses (suppliers) --------------------------------------------------------------------


@dataclass
class ResponseContent:
    party: Party
    answers: dict[str, str]
    group_name: str = ""

    def to_dict(self) -> dict:
        return {
            "schema": 1,
            "party": self.party.to_dict(),
            "answers": dict(sorted(self.answers.items())),
            "group_name": self.group_name,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> ResponseContent:
        data = data or {}
        return cls(
            party=Party.from_dict(data.get("party")),
            answers={str(k): str(v) for k, v in (data.get("answers") or {}).items()},
            group_name=str(data.get("group_name") or ""),
        )


def clean_answers(criteria: list[EspdCriterion], answers: dict[str, str]) -> dict[str, str]:
    """Keep the answers to questions asked; refuse a malformed one (field: its property id)."""
    trees = [groups(c.xml) for c in criteria]
    types = {
        item.property.id: item.property.value_type
        for tree in trees
        for item in espd_answers.every_question(tree)
    }
    cleaned: dict[str, str] = {}
    for key, text in answers.items():
        if key not in types:
            continue
        try:
            value = espd_answers.clean_value(types[key], text)
        except espd_answers.InvalidAnswer as error:
            raise EspdError(str(error), code="espd_invalid_answer", field=key) from None
        if value:
            cleaned[key] = value
    kept: dict[str, str] = {}
    for tree in trees:
        kept.update(espd_answers.kept(tree, cleaned))
    return kept


def missing_answers(criteria: list[EspdCriterion], answers: dict[str, str]) -> int:
    return sum(len(espd_answers.missing(groups(c.xml), answers)) for c in criteria)


def _party_problems(party: Party) -> bool:
    return not (party.org_number and party.name and party.country)


def read_response(response: EspdResponse) -> ResponseContent:
    """Internal: callers have passed ``sealing.require_read`` for the bid."""
    return ResponseContent.from_dict(sealing.unseal_espd(response))


def _save(
    *,
    bid: Bid,
    organisation: Organisation,
    content: ResponseContent,
    by,
    imported: bool,
    action: str,
    stamp: bool = False,
) -> EspdResponse:
    """Seal and save the response; ``stamp`` (a submitted bid's response) also hashes it and puts
    the hash on its row and in the audit event (``bids.espd.integrity``)."""
    criteria = request_criteria(request_for(bid.tender))
    content.answers = clean_answers(criteria, content.answers)
    complete = (
        not _party_problems(content.party) and missing_answers(criteria, content.answers) == 0
    )
    response = EspdResponse.objects.filter(bid=bid, organisation=organisation).first()
    if response is None:
        response = EspdResponse(bid=bid, organisation=organisation)
    sealing.seal_espd(response, content.to_dict())
    response.is_complete = complete
    response.imported = imported
    response.updated_by = by
    response.updated_at = timezone.now()
    after = {"bid": str(bid.public_id), "organisation": organisation.pk, "complete": complete}
    if stamp:
        response.sha256 = integrity.response_sha256(
            org_number=organisation.org_number,
            role=role_of(bid, organisation) or "",
            content=content.to_dict(),
        )
        after["sha256"] = response.sha256
    response.save()
    audit_record(actor=by, action=action, obj=bid, organisation=organisation, after=after)
    return response


@transaction.atomic
def espd_response_save(
    *,
    bid: Bid,
    organisation: Organisation,
    content: ResponseContent,
    by,
    now: datetime.datetime | None = None,
    imported: bool = False,
) -> EspdResponse:
    """An organisation of the bid saves its ESPD answers (draft bids, before the deadline)."""
    now = now or timezone.now()
    _require_answerer(by, bid, organisation)
    bid = lock_bid(bid)
    require_draft(bid)
    require_before_deadline(bid.tender, now)
    if request_for(bid.tender) is None:
        raise EspdError(_("This tender asks for no ESPD."), code="espd_not_requested")
    # The organisation's own identity is not the bidder's to change: it comes from its account.
    own = {"org_number": organisation.org_number, "name": organisation.name}
    content.party = Party.from_dict({**content.party.to_dict(), **own})
    return _save(
        bid=bid,
        organisation=organisation,
        content=content,
        by=by,
        imported=imported,
        action="bid.espd_imported" if imported else "bid.espd_saved",
    )


def require_import_allowed(*, by, bid: Bid, organisation: Organisation) -> str:
    """Who may import an ESPD XML into the bid: "bidder" (the organisation itself, draft bids)
    or "buyer" (an officer of the tender, once the bids are opened)."""
    if role_of(bid, organisation) is None:
        raise PermissionDenied(_("This organisation takes no part in the bid."))
    if user_can(by, Action.BID_PREPARE, organisation):
        return "bidder"
    if (
        user_can(by, Action.TENDER_MANAGE, bid.tender)
        and sealing.tender_is_open(bid.tender)
        and bid.status == Bid.Status.SUBMITTED
    ):
        return "buyer"
    raise PermissionDenied(_("You may not import an ESPD into this bid."))


@transaction.atomic
def espd_response_record_by_buyer(
    *, bid: Bid, organisation: Organisation, content: ResponseContent, by
) -> EspdResponse:
    """After opening, the buyer records an ESPD response a bidder sent on request."""
    if require_import_allowed(by=by, bid=bid, organisation=organisation) != "buyer":
        raise PermissionDenied(_("You may not import an ESPD into this bid."))
    bid = lock_bid(bid)
    return _save(
        bid=bid,
        organisation=organisation,
        content=content,
        by=by,
        imported=True,
        action=integrity.RECORDED_BY_BUYER,
        stamp=True,
    )


def response_content_or_prefill(bid: Bid, organisation: Organisation) -> ResponseContent:
    """The saved answers, or a first draft from the organisation's profile."""
    response = EspdResponse.objects.filter(bid=bid, organisation=organisation).first()
    if response is not None:
        return read_response(response)
    criteria = request_criteria(request_for(bid.tender))
    return ResponseContent(
        party=party_from_profile(organisation),
        answers={
            **answers_from_profile(organisation, criteria),
            **answers_from_bid(bid, organisation, criteria),
        },
    )


def espd_problems(bid: Bid) -> list[tuple[str | None, str]]:
    """What keeps the bid's ESPD from being complete, as (field, message)."""
    if request_for(bid.tender) is None:
        return []
    done = {r.organisation_id: r.is_complete for r in EspdResponse.objects.filter(bid=bid)}
    problems: list[tuple[str | None, str]] = []
    for answerer in answerers(bid):
        if not done.get(answerer.organisation.pk):
            problems.append(
                (
                    "espd",
                    _("%(name)s has not completed its ESPD.")
                    % {"name": answerer.organisation.name},
                )
            )
    return problems


def copy_responses(*, source: Bid, target: Bid, key: bytes) -> None:
    """A new version of a bid takes its ESPD responses, sealed again under its own key."""
    old_key = sealing.data_key(source)
    for response in EspdResponse.objects.filter(bid=source):
        content = sealing.unseal_espd(response, key=old_key)
        copy = EspdResponse(
            bid=target,
            organisation=response.organisation,
            is_complete=response.is_complete,
            imported=response.imported,
            updated_by=response.updated_by,
        )
        sealing.seal_espd(copy, content, key=key)
        copy.save()


# --- The XML --------------------------------------------------------------------------------


def group_name(bid: Bid) -> str:
    names = [a.organisation.name for a in answerers(bid)]
    return " / ".join(names)[:200] if len(names) > 1 else ""


def response_xml(response: EspdResponse, *, lot: str | None = None) -> bytes:
    """The ESPD-EDM 4.1.0 response XML for one of the lots the bid covers (``lot``, else the
    first; one response names one lot, BR-LOT-10). Internal: the caller has passed the seal's
    check."""
    bid = response.bid
    tender = bid.tender
    lots = bid_lot_ids(bid)
    content = read_response(response)
    request = request_for(tender)
    criteria = request_criteria(request)
    role = role_of(bid, response.organisation) or EspdResponse.Role.SOLE
    return build_response(
        ResponseDocument(
            procedure=procedure_of(tender),
            party=content.party,
            role=role,
            criteria=[CriterionXml(c.code, c.xml) for c in criteria],
            answers=content.answers,
            group_name=content.group_name or group_name(bid),
            lot=lot if lot in lots else lots[0],
            requirements=dict(request.requirements or {}) if request else {},
            issued_at=response.updated_at,
            document_uuid=str(uuid.uuid5(bid.public_id, f"espd:{response.organisation_id}")),
        )
    )
