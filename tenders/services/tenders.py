"""Writes about tenders: create and edit drafts, publish, amend, extend, close, evaluate, cancel.

Every function checks the policy (Action.TENDER_MANAGE on the tender's unit) unless the system
acts (the periodic close), follows the transition table in ``tenders.lifecycle``, locks the row,
records an audit event and tells followers on commit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import Organisation, OrganisationUnit
from marketplace.policy import Action, user_can
from marketplace.services.audit import audit_record
from tenders import lifecycle
from tenders.domain_events import tender_event_on_commit
from tenders.eforms.sending import contract_notice_on_publish
from tenders.lifecycle import Transition
from tenders.models import Amendment, Criterion, Lot, QualificationRequirement, Source, Tender
from tenders.sanitise import sanitise_description
from tenders.services.follows import followers_carry_over, followers_notify
from tenders.services.locks import lock
from tenders.services.references import reference_next
from tenders.services.tender_rules import derived_band, require_publishable
from tenders.services.tender_snapshot import (
    DEADLINE_FIELDS,
    EDITABLE_FIELDS,
    M2M_FIELDS,
    snapshot_diff,
    tender_snapshot,
)
from tenders.services.transitions import transition_step


@dataclass
class TenderInput:
    """What the buyer wrote. ``None`` for a part (m2m or child list) leaves it unchanged.

    ``lots`` items: {"id"?, "title", "description", "estimated_value", "suitable_for_smb",
    "cpv_codes", "municipalities"} (numbered 1.. in list order); ``criteria`` items: {"name",
    "description", "weight", "kind"?}; ``requirements`` items: {"text", "documentation"}.
    """

    fields: dict[str, Any] = field(default_factory=dict)
    additional_cpv: list | None = None
    municipalities: list | None = None
    themes: list | None = None
    lots: list[dict] | None = None
    criteria: list[dict] | None = None
    requirements: list[dict] | None = None


# --- Helpers ----------------------------------------------------------------------------------


def require_manage(by, obj) -> None:
    if not user_can(by, Action.TENDER_MANAGE, obj):
        raise PermissionDenied(_("You may not manage tenders here."))


def _apply_fields(tender: Tender, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(tender, name, value)
    tender.description = sanitise_description(tender.description)
    if tender.unit_id and tender.unit.organisation_id != tender.buyer_id:
        raise ValidationError({"unit": _("Choose a service area of the buyer.")})
    question, submission = tender.question_deadline, tender.submission_deadline
    if question and submission and question >= submission:
        raise ValidationError(
            {
                "question_deadline": _(
                    "The question deadline must be before the submission deadline."
                )
            }
        )
    tender.threshold_band = derived_band(tender)
    tender.full_clean()


def _sync_lots(tender: Tender, lots: list[dict]) -> None:
    keep = {int(item["id"]) for item in lots if item.get("id")}
    tender.lots.exclude(pk__in=keep).delete()
    existing = {lot.pk: lot for lot in tender.lots.all()}
    # Move kept lots out of the way first, so renumbering never meets the unique constraint.
    for offset, lot in enumerate(existing.values(), start=1):
        Lot.objects.filter(pk=lot.pk).update(number=1000 + offset)
    for number, item in enumerate(lots, start=1):
        lot = existing.get(int(item["id"])) if item.get("id") else None
        lot = lot or Lot(tender=tender)
        lot.number = number
        lot.title = item["title"]
        lot.description = item.get("description", "")
        lot.estimated_value = item.get("estimated_value")
        lot.suitable_for_smb = bool(item.get("suitable_for_smb"))
        lot.full_clean(exclude=["tender"], validate_constraints=False)
        lot.save()
        lot.cpv_codes.set(item.get("cpv_codes") or [])
        lot.municipalities.set(item.get("municipalities") or [])


def _sync_criteria(tender: Tender, criteria: list[dict]) -> None:
    tender.criteria.all().delete()
    for order, item in enumerate(criteria):
        criterion = Criterion(
            tender=tender,
            order=order,
            name=item["name"],
            description=item.get("description", ""),
            weight=item["weight"],
            kind=item.get("kind") or Criterion.Kind.QUALITY,
        )
        criterion.full_clean(exclude=["tender"])
        criterion.save()


def _sync_requirements(tender: Tender, requirements: list[dict]) -> None:
    tender.requirements.all().delete()
    for order, item in enumerate(requirements):
        requirement = QualificationRequirement(
            tender=tender,
            order=order,
            text=item["text"],
            documentation=item.get("documentation", ""),
        )
        requirement.full_clean(exclude=["tender"])
        requirement.save()


def _write(tender: Tender, data: TenderInput) -> None:
    """Apply fields, save, then the many-to-many fields and the parts."""
    _apply_fields(tender, data.fields)
    tender.save()
    for name in M2M_FIELDS:
        value = getattr(data, name)
        if value is not None:
            getattr(tender, name).set(value)
    if data.lots is not None:
        _sync_lots(tender, data.lots)
    if data.criteria is not None:
        _sync_criteria(tender, data.criteria)
    if data.requirements is not None:
        _sync_requirements(tender, data.requirements)


def amendment_record(
    *,
    tender: Tender,
    by,
    summary: str,
    changes: dict,
    is_deadline_extension: bool = False,
) -> Amendment:
    """Number and keep one amendment of a published tender, bump its version, tell followers.

    Called inside the changing service's transaction, with the tender locked.
    """
    if not summary.strip():
        raise ValidationError({"summary": _("Say what changed and why.")})
    number = (tender.amendments.order_by("-number").values_list("number", flat=True).first()) or 0
    amendment = Amendment(
        tender=tender,
        number=number + 1,
        summary=summary.strip(),
        changes=changes,
        is_deadline_extension=is_deadline_extension,
        created_by=by,
    )
    amendment.full_clean(exclude=["tender"])
    amendment.save()
    tender.version += 1
    Tender.objects.filter(pk=tender.pk).update(version=tender.version)
    only_deadlines = set(changes) <= DEADLINE_FIELDS
    followers_notify(
        event="deadline_changed" if only_deadlines else "amended",
        tender=tender,
        context={
            "key": f"amendment-{amendment.number}",
            "number": amendment.number,
            "summary": amendment.summary,
            "submission_deadline": tender.submission_deadline,
        },
    )
    return amendment


# --- Drafts -----------------------------------------------------------------------------------


@transaction.atomic
def tender_create(
    *, buyer: Organisation, unit: OrganisationUnit | None, by, data: TenderInput
) -> Tender:
    """A new draft with the next reference (AFK-2026-0001)."""
    if not buyer.is_buyer:
        raise DomainError(_("Only buyers publish tenders."), code="tender_buyer_required")
    require_manage(by, unit if unit is not None else buyer)
    tender = Tender(
        source=Source.OWN,
        buyer=buyer,
        unit=unit,
        created_by=by,
        status=Tender.Status.DRAFT,
        reference=reference_next(),
    )
    _write(tender, data)
    audit_record(actor=by, action="tender.created", obj=tender, after=tender_snapshot(tender))
    return tender


@transaction.atomic
def tender_update(*, tender: Tender, by, data: TenderInput) -> Tender:
    """Change a draft. A published tender changes only through ``tender_amend``."""
    require_manage(by, tender)
    tender = lock(tender)
    if not lifecycle.is_editable(tender):
        raise DomainError(
            _("Only a draft can be edited; amend a published tender instead."),
            code="tender_not_editable",
        )
    if "unit" in data.fields and data.fields["unit"] is not None:
        require_manage(by, data.fields["unit"])
    before = tender_snapshot(tender)
    _write(tender, data)
    after = tender_snapshot(tender)
    audit_record(
        actor=by,
        action="tender.updated",
        obj=tender,
        before=before,
        after={"changes": snapshot_diff(before, after)},
    )
    return tender


# --- Transitions ------------------------------------------------------------------------------


def _ensure_one_lot(tender: Tender) -> None:
    """A tender that is not divided is one lot for the whole contract: bids, scores and award
    decisions are always per lot, so an undivided tender gets lot 1 when it is published."""
    if tender.lots.exists():
        return
    lot = Lot.objects.create(
        tender=tender,
        number=1,
        title=tender.title[:300],
        estimated_value=tender.estimated_value,
        suitable_for_smb=False,
    )
    codes = [tender.main_cpv_id] if tender.main_cpv_id else []
    codes += list(tender.additional_cpv.values_list("pk", flat=True))
    lot.cpv_codes.set(codes)
    lot.municipalities.set(tender.municipalities.all())


@transaction.atomic
def tender_publish(*, tender: Tender, by, now: datetime.datetime | None = None) -> Tender:
    """Publish a draft that meets every rule (see ``tender_rules``); the band is fixed today."""
    require_manage(by, tender)
    tender = lock(tender)
    lifecycle.target(tender, Transition.PUBLISH)
    now = now or timezone.now()
    require_publishable(tender, now=now)
    _ensure_one_lot(tender)
    tender.published_at = now  # the band is the publication day's (``band_day``)
    transition_step(
        tender,
        Transition.PUBLISH,
        by=by,
        action="tender.published",
        event="published",
        fields={"published_at": now, "threshold_band": derived_band(tender)},
        note={"snapshot": tender_snapshot(tender)},
    )
    # When Doffin is configured the contract notice goes with it; an invalid one rolls back.
    contract_notice_on_publish(tender=tender, by=by)
    followers_carry_over(tender=tender)  # a need's followers follow the tender made from it
    return tender


@transaction.atomic
def tender_amend(
    *, tender: Tender, by, data: TenderInput, summary: str, now: datetime.datetime | None = None
) -> Amendment:
    """Change a published tender: the change is kept as a numbered amendment with the fields'
    before and after values, the version goes up and followers are told."""
    require_manage(by, tender)
    tender = lock(tender)
    if not lifecycle.is_amendable(tender):
        raise DomainError(_("Only a published tender can be amended."), code="tender_not_amendable")
    if "unit" in data.fields and data.fields["unit"] is not None:
        require_manage(by, data.fields["unit"])
    now = now or timezone.now()
    before = tender_snapshot(tender)
    old_submission = tender.submission_deadline
    _write(tender, data)
    after = tender_snapshot(tender)
    changes = snapshot_diff(before, after)
    if not changes:
        raise DomainError(_("Nothing was changed."), code="tender_amend_no_changes")
    require_publishable(tender, now=now, changed=set(changes))
    amendment = amendment_record(
        tender=tender,
        by=by,
        summary=summary,
        changes=changes,
        is_deadline_extension=bool(
            tender.submission_deadline and tender.submission_deadline > old_submission
        ),
    )
    audit_record(
        actor=by,
        action="tender.amended",
        obj=tender,
        before={"version": tender.version - 1},
        after={"version": tender.version, "amendment": amendment.number, "changes": changes},
    )
    tender_event_on_commit(tender, "amended")
    return amendment


@transaction.atomic
def tender_extend_deadline(
    *,
    tender: Tender,
    by,
    submission_deadline: datetime.datetime,
    question_deadline: datetime.datetime | None = None,
    reason: str,
    now: datetime.datetime | None = None,
) -> Amendment:
    """Move the submission deadline (and optionally the question deadline) later; logged as a
    deadline-extension amendment."""
    require_manage(by, tender)
    tender = lock(tender)
    if not lifecycle.is_amendable(tender):
        raise DomainError(
            _("Only a published tender's deadline can be extended."),
            code="tender_extend_not_allowed",
        )
    if submission_deadline <= tender.submission_deadline:
        raise DomainError(
            _("The new deadline must be later than the current one."),
            code="tender_extend_not_later",
            field="submission_deadline",
        )
    data = TenderInput(fields={"submission_deadline": submission_deadline})
    if question_deadline is not None:
        data.fields["question_deadline"] = question_deadline
    now = now or timezone.now()
    before = tender_snapshot(tender)
    _write(tender, data)
    changes = snapshot_diff(before, tender_snapshot(tender))
    require_publishable(tender, now=now, changed=set(changes))
    amendment = amendment_record(
        tender=tender, by=by, summary=reason, changes=changes, is_deadline_extension=True
    )
    audit_record(
        actor=by,
        action="tender.deadline_extended",
        obj=tender,
        before={key: change["before"] for key, change in changes.items()},
        after={
            **{key: change["after"] for key, change in changes.items()},
            "amendment": amendment.number,
        },
    )
    tender_event_on_commit(tender, "deadline_extended")
    return amendment


@transaction.atomic
def tender_start_evaluation(*, tender: Tender, by, now: datetime.datetime | None = None) -> Tender:
    require_manage(by, tender)
    tender = lock(tender)
    lifecycle.target(tender, Transition.START_EVALUATION)
    return transition_step(
        tender,
        Transition.START_EVALUATION,
        by=by,
        action="tender.evaluation_started",
        event="evaluation_started",
        fields={"evaluation_started_at": now or timezone.now()},
    )


@transaction.atomic
def tender_mark_awarded(*, tender: Tender, by, now: datetime.datetime | None = None) -> Tender:
    """In evaluation → awarded. The bids app calls this once every lot has an award decision;
    the decisions themselves (winners, reasons, standstill) live there."""
    require_manage(by, tender)
    tender = lock(tender)
    lifecycle.target(tender, Transition.AWARD)
    return transition_step(
        tender,
        Transition.AWARD,
        by=by,
        action="tender.awarded",
        event="awarded",
        fields={"awarded_at": now or timezone.now()},
    )


@transaction.atomic
def tender_withdraw_award(*, tender: Tender, by, reason: str) -> Tender:
    """Awarded → in evaluation again, to correct a mistaken award (the bids app withdraws the
    decision itself and tells the bidders). The earlier award time stays in the audit log."""
    require_manage(by, tender)
    tender = lock(tender)
    lifecycle.target(tender, Transition.WITHDRAW_AWARD)
    if not reason.strip():
        raise DomainError(
            _("Give the reason for withdrawing the award."),
            code="tender_withdraw_award_reason",
            field="reason",
        )
    return transition_step(
        tender,
        Transition.WITHDRAW_AWARD,
        by=by,
        action="tender.award_withdrawn",
        event="award_withdrawn",
        fields={"awarded_at": None},
        stamped=False,
        note={"reason": reason.strip()},
    )


@transaction.atomic
def tender_cancel(
    *, tender: Tender, by, reason: str, now: datetime.datetime | None = None
) -> Tender:
    """Cancel with a reason everyone can read; followers are told."""
    require_manage(by, tender)
    tender = lock(tender)
    lifecycle.target(tender, Transition.CANCEL)
    if not reason.strip():
        raise DomainError(
            _("Give the reason for cancelling."), code="tender_cancel_reason", field="reason"
        )
    transition_step(
        tender,
        Transition.CANCEL,
        by=by,
        action="tender.cancelled",
        event="cancelled",
        fields={"cancelled_at": now or timezone.now(), "cancellation_reason": reason.strip()},
        note={"reason": reason.strip()},
    )
    followers_notify(
        event="cancelled",
        tender=tender,
        context={"key": "cancelled", "reason": tender.cancellation_reason},
    )
    return tender
