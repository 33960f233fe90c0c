"""What a tender must satisfy to be published (and to stay published after an amendment).

One implementation of each rule: the publish and amend services call ``publication_problems``;
forms show the problems it returns next to the fields they name.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from tenders.lifecycle import deadline_passed
from tenders.models import (
    ClimateConsideration,
    Criterion,
    Tender,
    ThresholdBand,
    cpv_contract_type_message,
    threshold_band,
)

CRITERIA_TOTAL = 100
# FOA § 7-9 (2) and Norway's eForms rule EFORMS-NOR-NATIONAL-EC-R001D: with two or more award
# criteria, climate and environment weigh at least 30 % (the weights of its criteria summed).
CLIMATE_MIN_WEIGHT = 30


@dataclass(frozen=True)
class Problem:
    code: str
    field: str | None
    message: str


class TenderNotReady(DomainError):
    """The tender breaks one or more publication rules; ``problems`` lists them all."""

    code = "tender_not_ready"

    def __init__(self, problems: list[Problem]):
        super().__init__(" ".join(problem.message for problem in problems))
        self.problems = problems


def band_day(tender: Tender) -> datetime.date:
    """The day whose thresholds apply: the day of publication, or today for a draft."""
    moment = tender.published_at or timezone.now()
    return timezone.localdate(moment)


def derived_band(tender: Tender) -> str:
    return threshold_band(tender.estimated_value, tender.contract_type, band_day(tender))


def deadline_problems(
    tender: Tender, *, now: datetime.datetime, changed: set[str] | None = None
) -> list[Problem]:
    """Deadlines present, in the future (only those ``changed`` when given), questions first."""
    problems: list[Problem] = []
    question, submission = tender.question_deadline, tender.submission_deadline
    if submission is None:
        problems.append(
            Problem("submission_deadline_missing", "submission_deadline", _("Set a deadline."))
        )
    elif (changed is None or "submission_deadline" in changed) and deadline_passed(submission, now):
        problems.append(
            Problem(
                "submission_deadline_past",
                "submission_deadline",
                _("The submission deadline must be in the future."),
            )
        )
    if question is None:
        problems.append(
            Problem(
                "question_deadline_missing",
                "question_deadline",
                _("Set a deadline for questions."),
            )
        )
    elif (changed is None or "question_deadline" in changed) and deadline_passed(question, now):
        problems.append(
            Problem(
                "question_deadline_past",
                "question_deadline",
                _("The question deadline must be in the future."),
            )
        )
    if question and submission and question >= submission:
        problems.append(
            Problem(
                "question_deadline_after_submission",
                "question_deadline",
                _("The question deadline must be before the submission deadline."),
            )
        )
    return problems


def publication_problems(
    tender: Tender, *, now: datetime.datetime | None = None, changed: set[str] | None = None
) -> list[Problem]:
    """Every rule the tender breaks, in form order. An empty list means it may be published."""
    now = now or timezone.now()
    problems: list[Problem] = []
    if not tender.description.strip():
        problems.append(Problem("description_missing", "description", _("Describe the purchase.")))
    if tender.main_cpv_id is None:
        problems.append(Problem("main_cpv_missing", "main_cpv", _("Choose a main CPV code.")))
    if tender.estimated_value is None:
        problems.append(
            Problem("estimated_value_missing", "estimated_value", _("Give an estimated value."))
        )
    problems += deadline_problems(tender, now=now, changed=changed)

    criteria = list(tender.criteria.all())
    weights = [criterion.weight for criterion in criteria]
    if not weights:
        problems.append(
            Problem("criteria_missing", "criteria", _("Add at least one award criterion."))
        )
    elif sum(weights) != CRITERIA_TOTAL:
        problems.append(
            Problem(
                "criteria_weights",
                "criteria",
                _("The criteria weights add up to %(total)s; they must add up to 100.")
                % {"total": sum(weights)},
            )
        )

    climate = climate_problem(
        tender.climate_consideration, [(criterion.kind, criterion.weight) for criterion in criteria]
    )
    if climate:
        problems.append(Problem("climate_duty", "climate_consideration", climate))
    if tender.main_cpv_id is not None:
        mismatch = cpv_contract_type_message(tender.main_cpv_id, tender.contract_type)
        if mismatch:
            problems.append(Problem("cpv_contract_type", "main_cpv", mismatch))

    lot_count = tender.lots.count()
    if tender.max_lots_per_bidder is not None and tender.max_lots_per_bidder > max(lot_count, 1):
        problems.append(
            Problem(
                "max_lots_too_many",
                "max_lots_per_bidder",
                _("A bidder cannot win more lots than there are (%(count)s).")
                % {"count": lot_count},
            )
        )
    band = derived_band(tender)
    if band == ThresholdBand.EEA and lot_count <= 1 and not tender.no_lots_justification.strip():
        problems.append(
            Problem(
                "no_lots_justification_missing",
                "no_lots_justification",
                _(
                    "Above the EEA threshold, explain why the purchase is not divided into "
                    "lots (FOA § 19-4)."
                ),
            )
        )
    if tender.is_pilot and not tender.pilot_duration_months:
        problems.append(
            Problem(
                "pilot_duration_missing",
                "pilot_duration_months",
                _("Give the pilot's duration."),
            )
        )
    return problems


def climate_problem(consideration: str, criteria: list[tuple[str, int]]) -> str:
    """Why the award criteria (``(kind, weight)`` pairs) do not meet the climate and
    environment duty (FOA § 7-9); empty when they do, or when the tender meets it in the
    specification or is exempt (``consideration``), or has fewer than two criteria."""
    if consideration != ClimateConsideration.CRITERION or len(criteria) < 2:
        return ""
    climate = sum(weight or 0 for kind, weight in criteria if kind == Criterion.Kind.CLIMATE)
    if climate >= CLIMATE_MIN_WEIGHT:
        return ""
    return _(
        "With two or more award criteria, criteria of the kind “climate and environment” must "
        "weigh at least %(minimum)s %% in all (FOA § 7-9); they weigh %(weight)s %%. Otherwise "
        "choose how the tender meets the duty: in the technical specification, or an exemption."
    ) % {"minimum": CLIMATE_MIN_WEIGHT, "weight": climate}


def require_publishable(
    tender: Tender, *, now: datetime.datetime | None = None, changed: set[str] | None = None
) -> None:
    problems = publication_problems(tender, now=now, changed=changed)
    if problems:
        raise TenderNotReady(problems)
