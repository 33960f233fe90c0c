"""A pilot in its tender's OCDS release: the contract's implementation section.

What happened after the award, as the standard defines it: the pilot's milestones and its
scale-up decision are ``contracts[].implementation.milestones`` (core OCDS: ``dueDate``,
``dateMet``, ``status``), its KPIs are ``implementation.metrics`` (the Metrics extension: a
baseline, a target and the measured value as observations). Registered with
``tenders.ocds.contributors`` in ``PilotsConfig.ready``: the tenders app never imports pilots.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pilots.models import Pilot
from tenders.ocds.contributors import register_contributor
from tenders.ocds.releases import iso


def _moment(day: datetime.date | None) -> str | None:
    if day is None:
        return None
    return iso(timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)))


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _milestones(pilot: Pilot) -> list[dict]:
    """The pilot's milestones, then its scale-up decision (texts in the release's language)."""
    today = timezone.localdate()
    milestones = [
        {
            "id": f"pilot-{pilot.pk}-milestone-{milestone.pk}",
            "title": milestone.title,
            "description": milestone.note,
            "type": "delivery",
            "dueDate": _moment(milestone.due_on),
            "dateMet": _moment(milestone.completed_on),
            "status": "met"
            if milestone.completed_on
            else ("notMet" if milestone.due_on and milestone.due_on < today else "scheduled"),
        }
        for milestone in pilot.milestones.all()
    ]
    decision = {
        "id": f"pilot-{pilot.pk}-decision",
        "title": _("Scale-up decision"),
        "type": "approval",
        "code": "scaleUpDecision",
        "dueDate": _moment(pilot.ends_on),
        "status": "scheduled",
    }
    if pilot.outcome:
        outcome = str(Pilot.Outcome(pilot.outcome).label)
        decision |= {
            "status": "met",
            "dateMet": iso(pilot.decided_at),
            "description": f"{outcome}. {pilot.outcome_reason}".strip(),
        }
    return [*milestones, decision]


def _metrics(pilot: Pilot) -> list[dict]:
    metrics = []
    for kpi in pilot.kpis.all():
        unit = {"name": kpi.unit} if kpi.unit else None
        observations = [
            {"id": "baseline", "notes": _("Baseline"), "measure": kpi.baseline, "unit": unit},
            {"id": "target", "notes": _("Target"), "measure": kpi.target, "unit": unit},
            {
                "id": "measured",
                "notes": _("Measured"),
                "measure": kpi.measured,
                "unit": unit,
                "period": {"endDate": _moment(kpi.measured_on)} if kpi.measured_on else None,
            },
        ]
        direction = str(kpi.get_direction_display())
        metrics.append(
            {
                "id": f"kpi-{kpi.pk}",
                "title": kpi.name,
                "description": direction,
                "observations": [
                    {**observation, "measure": _number(observation["measure"])}
                    for observation in observations
                    if observation["measure"] is not None
                ],
            }
        )
    return metrics


def pilot_implementation(tender, release: dict) -> None:
    """Add each awarded pilot's progress to its contract's implementation."""
    with translation.override("nb"):  # the release's language
        _add_pilots(tender, release)


def _add_pilots(tender, release: dict) -> None:
    contracts = {contract["id"]: contract for contract in release.get("contracts", [])}
    if not contracts:
        return
    pilots = Pilot.objects.filter(tender=tender, award__isnull=False).prefetch_related(
        "milestones", "kpis"
    )
    for pilot in pilots:
        contract = contracts.get(f"contract-{pilot.award_id}")
        if contract is None:
            continue
        implementation = contract.setdefault("implementation", {})
        implementation["milestones"] = _milestones(pilot)
        metrics = _metrics(pilot)
        if metrics:
            implementation["metrics"] = metrics
        if pilot.starts_on:
            contract["period"] = {
                "startDate": _moment(pilot.starts_on),
                "endDate": _moment(pilot.ends_on),
            }


def register() -> None:
    register_contributor("pilots", pilot_implementation)
