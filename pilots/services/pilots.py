"""Writes about pilots: create from an award, plan, milestones, KPIs, notes, start, end, decide.

Every function checks the policy: the buyer side needs ``Action.PILOT_MANAGE`` on the pilot's
buyer unit; the supplier side (``Action.PILOT_REPORT`` on the supplier) may only add notes and KPI
measurements. Each change locks the pilot's row, writes a ``PilotEntry`` that both sides see,
records an audit event and, on commit, tells the other side (``NotificationKind.PILOTS``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bids import public
from marketplace.errors import InvalidTransition, PermissionDenied
from marketplace.services.audit import audit_record
from pilots.models import Kpi, Milestone, Pilot, PilotEntry
from pilots.services.timeline import (
    PilotError,
    can_report,
    clean,
    lock,
    plain,
    record,
    require_manage,
    side_of,
)

__all__ = ["PilotError", "can_report", "require_manage", "side_of"]

# Which status a transition leaves from and goes to.
TRANSITIONS: dict[str, tuple[str, str]] = {
    "start": (Pilot.Status.PLANNED, Pilot.Status.RUNNING),
    "end": (Pilot.Status.RUNNING, Pilot.Status.ENDED),
    "decide": (Pilot.Status.ENDED, Pilot.Status.DECIDED),
}

PLAN_FIELDS = ("title", "summary", "budget_owner", "budget", "starts_on", "ends_on")


def _transition(pilot: Pilot, name: str) -> None:
    source, target = TRANSITIONS[name]
    if pilot.status != source:
        raise InvalidTransition(
            _("The pilot is %(status)s; this step is not possible now.")
            % {"status": pilot.get_status_display().lower()}
        )
    pilot.status = target


# --- Create and plan --------------------------------------------------------------------------


@transaction.atomic
def pilot_create(
    *,
    award,
    by,
    title: str,
    budget_owner: str,
    budget: Decimal | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    summary: str = "",
) -> Pilot:
    """A pilot from an active award decision on a pilot tender: supplier, buyer, unit and lot
    are copied from the award."""
    award = (
        public.award_decisions()
        .select_for_update(of=("self",))
        .select_related("tender__buyer", "tender__unit", "bid__supplier", "lot")
        .get(pk=award.pk)
    )
    tender = award.tender
    require_manage(by, tender)
    if award.status != public.AwardStatus.ACTIVE:
        raise PilotError(_("This award decision has been withdrawn."), code="award_withdrawn")
    if not tender.is_pilot:
        raise PilotError(_("This tender is not a pilot tender."), code="not_pilot_tender")
    if Pilot.objects.filter(award=award).exists():
        raise PilotError(_("A pilot already exists for this award."), code="pilot_exists")
    pilot = Pilot(
        title=title,
        summary=summary,
        tender=tender,
        lot=award.lot,
        award=award,
        supplier=award.bid.supplier,
        buyer=tender.buyer,
        unit=tender.unit,
        budget_owner=budget_owner,
        budget=budget,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    clean(pilot)
    pilot.save()
    record(pilot, by=by, side="buyer", kind=PilotEntry.Kind.CREATED, text=pilot.title)
    audit_record(
        actor=by,
        action="pilot.create",
        obj=pilot,
        after={"award": award.pk, "supplier": pilot.supplier_id, "title": pilot.title},
    )
    return pilot


@transaction.atomic
def pilot_update_plan(*, pilot: Pilot, by, fields: dict[str, Any]) -> Pilot:
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    pilot = lock(pilot)
    require_manage(by, pilot)
    if pilot.status == Pilot.Status.DECIDED:
        raise InvalidTransition(_("A decided pilot can no longer be changed."))
    before = {name: plain(getattr(pilot, name)) for name in fields}
    for name, value in fields.items():
        setattr(pilot, name, value)
    clean(pilot)
    pilot.save()
    after = {name: plain(getattr(pilot, name)) for name in fields}
    changed = {name: value for name, value in after.items() if before[name] != value}
    if changed:
        record(
            pilot,
            by=by,
            side="buyer",
            kind=PilotEntry.Kind.STATUS,
            text=_("The plan was updated."),
            data={"changed": sorted(changed)},
        )
        audit_record(actor=by, action="pilot.update_plan", obj=pilot, before=before, after=after)
    return pilot


# --- Milestones -------------------------------------------------------------------------------


@transaction.atomic
def milestone_add(
    *, pilot: Pilot, by, title: str, due_on: datetime.date | None = None, note: str = ""
) -> Milestone:
    pilot = lock(pilot)
    require_manage(by, pilot)
    order = pilot.milestones.count() + 1
    milestone = Milestone(pilot=pilot, order=order, title=title, due_on=due_on, note=note)
    clean(milestone, exclude=["pilot"])
    milestone.save()
    record(
        pilot,
        by=by,
        side="buyer",
        kind=PilotEntry.Kind.MILESTONE,
        text=title,
        data={"milestone": milestone.pk, "event": "added", "due_on": due_on},
    )
    audit_record(actor=by, action="pilot.milestone_add", obj=pilot, after={"title": title})
    return milestone


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, by, title: str, due_on: datetime.date | None, note: str = ""
) -> Milestone:
    pilot = lock(milestone.pilot)
    require_manage(by, pilot)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk, pilot=pilot)
    before = {"title": milestone.title, "due_on": plain(milestone.due_on)}
    milestone.title, milestone.due_on, milestone.note = title, due_on, note
    clean(milestone, exclude=["pilot"])
    milestone.save()
    after = {"title": title, "due_on": plain(due_on)}
    record(
        pilot,
        by=by,
        side="buyer",
        kind=PilotEntry.Kind.MILESTONE,
        text=title,
        data={"milestone": milestone.pk, "event": "changed", "due_on": due_on},
    )
    audit_record(actor=by, action="pilot.milestone_update", obj=pilot, before=before, after=after)
    return milestone


@transaction.atomic
def milestone_complete(
    *, milestone: Milestone, by, completed_on: datetime.date | None = None
) -> Milestone:
    pilot = lock(milestone.pilot)
    require_manage(by, pilot)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk, pilot=pilot)
    if milestone.completed_on:
        raise PilotError(_("This milestone is already done."), code="milestone_done")
    milestone.completed_on = completed_on or timezone.localdate()
    milestone.save(update_fields=["completed_on"])
    record(
        pilot,
        by=by,
        side="buyer",
        kind=PilotEntry.Kind.MILESTONE,
        text=milestone.title,
        data={"milestone": milestone.pk, "event": "done", "completed_on": milestone.completed_on},
    )
    audit_record(
        actor=by,
        action="pilot.milestone_complete",
        obj=pilot,
        after={"milestone": milestone.pk, "completed_on": plain(milestone.completed_on)},
    )
    return milestone


# --- KPIs --------------------------------------------------------------------------------------


@transaction.atomic
def kpi_add(
    *,
    pilot: Pilot,
    by,
    name: str,
    target: Decimal,
    unit: str = "",
    direction: str = Kpi.Direction.HIGHER,
    baseline: Decimal | None = None,
) -> Kpi:
    pilot = lock(pilot)
    require_manage(by, pilot)
    kpi = Kpi(
        pilot=pilot,
        order=pilot.kpis.count() + 1,
        name=name,
        unit=unit,
        direction=direction,
        baseline=baseline,
        target=target,
    )
    clean(kpi, exclude=["pilot"])
    kpi.save()
    record(
        pilot,
        by=by,
        side="buyer",
        kind=PilotEntry.Kind.KPI,
        text=name,
        data={"kpi": kpi.pk, "event": "added", "target": target, "unit": unit},
    )
    audit_record(
        actor=by, action="pilot.kpi_add", obj=pilot, after={"name": name, "target": str(target)}
    )
    return kpi


@transaction.atomic
def kpi_update(
    *,
    kpi: Kpi,
    by,
    name: str,
    target: Decimal,
    unit: str = "",
    direction: str = Kpi.Direction.HIGHER,
    baseline: Decimal | None = None,
) -> Kpi:
    pilot = lock(kpi.pilot)
    require_manage(by, pilot)
    kpi = Kpi.objects.select_for_update().get(pk=kpi.pk, pilot=pilot)
    before = {"name": kpi.name, "target": plain(kpi.target), "direction": kpi.direction}
    kpi.name, kpi.target, kpi.unit = name, target, unit
    kpi.direction, kpi.baseline = direction, baseline
    clean(kpi, exclude=["pilot"])
    kpi.save()
    after = {"name": name, "target": plain(target), "direction": direction}
    record(
        pilot,
        by=by,
        side="buyer",
        kind=PilotEntry.Kind.KPI,
        text=name,
        data={"kpi": kpi.pk, "event": "changed", "target": target, "unit": unit},
    )
    audit_record(actor=by, action="pilot.kpi_update", obj=pilot, before=before, after=after)
    return kpi


@transaction.atomic
def kpi_measure(*, kpi: Kpi, by, value: Decimal, measured_on: datetime.date | None = None) -> Kpi:
    """Record a measurement (buyer or supplier). The KPI keeps the latest value; the timeline
    keeps every one."""
    pilot = lock(kpi.pilot)
    side = side_of(by, pilot)
    if side is None:
        raise PermissionDenied(_("You may not report on this pilot."))
    if pilot.status not in (Pilot.Status.RUNNING, Pilot.Status.ENDED):
        raise InvalidTransition(
            _("Measurements can be recorded while the pilot runs or before the decision.")
        )
    kpi = Kpi.objects.select_for_update().get(pk=kpi.pk, pilot=pilot)
    before = {"measured": plain(kpi.measured), "measured_on": plain(kpi.measured_on)}
    kpi.measured = value
    kpi.measured_on = measured_on or timezone.localdate()
    clean(kpi, exclude=["pilot"])
    kpi.save(update_fields=["measured", "measured_on"])
    record(
        pilot,
        by=by,
        side=side,
        kind=PilotEntry.Kind.KPI,
        text=kpi.name,
        data={
            "kpi": kpi.pk,
            "event": "measured",
            "value": value,
            "unit": kpi.unit,
            "target": kpi.target,
            "measured_on": kpi.measured_on,
            "achieved": kpi.achieved,
        },
    )
    audit_record(
        actor=by,
        action="pilot.kpi_measure",
        obj=pilot,
        before=before,
        after={"kpi": kpi.pk, "measured": str(value), "measured_on": plain(kpi.measured_on)},
    )
    return kpi


# --- Notes ------------------------------------------------------------------------------------


@transaction.atomic
def note_add(*, pilot: Pilot, by, text: str) -> PilotEntry:
    pilot = lock(pilot)
    side = side_of(by, pilot)
    if side is None:
        raise PermissionDenied(_("You may not report on this pilot."))
    text = (text or "").strip()
    if not text:
        raise PilotError(_("Write the note."), code="note_empty", field="text")
    if len(text) > 5000:
        raise PilotError(
            _("The note can be at most 5000 characters."), code="note_long", field="text"
        )
    entry = record(pilot, by=by, side=side, kind=PilotEntry.Kind.NOTE, text=text)
    audit_record(actor=by, action="pilot.note_add", obj=pilot, after={"entry": entry.pk})
    return entry


# --- Lifecycle --------------------------------------------------------------------------------


def _dated_step(pilot: Pilot, *, by, step: str, field: str, day, text: str) -> Pilot:
    """Start or end a pilot: the transition, its date on ``field`` (``day(pilot)`` on the locked
    row), the status entry in the log and the audit event."""
    pilot = lock(pilot)
    require_manage(by, pilot)
    _transition(pilot, step)
    setattr(pilot, field, day(pilot))
    clean(pilot)
    pilot.save()
    record(
        pilot,
        by=by,
        side="buyer",
        kind=PilotEntry.Kind.STATUS,
        text=text,
        data={"status": pilot.status, field: getattr(pilot, field)},
    )
    audit_record(actor=by, action=f"pilot.{step}", obj=pilot, after={"status": pilot.status})
    return pilot


@transaction.atomic
def pilot_start(*, pilot: Pilot, by, starts_on: datetime.date | None = None) -> Pilot:
    return _dated_step(
        pilot,
        by=by,
        step="start",
        field="starts_on",
        day=lambda locked: starts_on or locked.starts_on or timezone.localdate(),
        text=_("The pilot started."),
    )


@transaction.atomic
def pilot_end(*, pilot: Pilot, by, ends_on: datetime.date | None = None) -> Pilot:
    return _dated_step(
        pilot,
        by=by,
        step="end",
        field="ends_on",
        day=lambda locked: ends_on or timezone.localdate(),
        text=_("The pilot ended."),
    )


@transaction.atomic
def pilot_decide(
    *,
    pilot: Pilot,
    by,
    outcome: str,
    reason: str,
    follow_on_tender=None,
    contract_value: Decimal | None = None,
    now: datetime.datetime | None = None,
) -> Pilot:
    """Decide the outcome of an ended pilot, with a reason. Only a scale-up names the full
    purchase (a follow-on tender of the same buyer) and its value."""
    pilot = lock(pilot)
    require_manage(by, pilot)
    _transition(pilot, "decide")
    if outcome not in Pilot.Outcome.values:
        raise PilotError(_("Choose a decision."), code="outcome_invalid", field="outcome")
    reason = (reason or "").strip()
    if not reason:
        raise PilotError(
            _("Give the reason for the decision."), code="reason_required", field="reason"
        )
    if outcome != Pilot.Outcome.SCALED_UP and (follow_on_tender or contract_value):
        raise PilotError(
            _("Only a pilot that is scaled up has a full purchase."),
            code="follow_on_not_scaled_up",
            field="follow_on_tender",
        )
    if follow_on_tender is not None and follow_on_tender.buyer_id != pilot.buyer_id:
        raise PilotError(
            _("Choose a tender of the same buyer."),
            code="follow_on_buyer",
            field="follow_on_tender",
        )
    pilot.outcome = outcome
    pilot.outcome_reason = reason
    pilot.decided_at = now or timezone.now()
    pilot.decided_by = by
    pilot.follow_on_tender = follow_on_tender
    pilot.contract_value = contract_value
    clean(pilot)
    pilot.save()
    record(
        pilot,
        by=by,
        side="buyer",
        kind=PilotEntry.Kind.DECISION,
        text=reason,
        data={
            "outcome": outcome,
            "follow_on_tender": follow_on_tender.reference if follow_on_tender else "",
            "contract_value": contract_value,
        },
    )
    audit_record(
        actor=by,
        action="pilot.decide",
        obj=pilot,
        after={
            "outcome": outcome,
            "follow_on_tender": getattr(follow_on_tender, "pk", None),
            "contract_value": plain(contract_value),
        },
    )
    return pilot
