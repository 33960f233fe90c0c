"""Demo pilots with milestones, KPIs and a timeline on the demo tenders. Idempotent.

Called by ``seed_demo`` after the tenders and bids. Every demo pilot comes from the active award
decision of its tender to its supplier (seed_demo_bids awards them), and its dates are counted
from that award; without the award the command stops with an error. Pilots are found by title,
so a second run changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bids import public
from marketplace.models import Organisation
from pilots import demo
from pilots.models import Kpi, Milestone, Pilot, PilotEntry
from tenders.models import Tender


class Command(BaseCommand):
    help = "Create the demo pilots (one scaled up, one running) on the demo tenders."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for spec in demo.PILOTS:
            if Pilot.objects.filter(title=spec["title"]).exists():
                continue
            self._create(spec)
            created += 1
        self.stdout.write(f"  pilots: {created} demo pilots added ({len(demo.PILOTS)} in all)")

    def _create(self, spec: dict) -> Pilot:
        tender = Tender.objects.filter(title=spec["tender"]).select_related("unit").first()
        supplier = Organisation.objects.suppliers().filter(slug=spec["supplier"]).first()
        if tender is None or supplier is None or tender.buyer_id is None:
            raise CommandError(
                f"The demo pilot {spec['title']!r} needs the tender {spec['tender']!r} and the "
                f"supplier {spec['supplier']!r}: run seed_demo (tenders first)."
            )
        award = (
            public.active_award_decisions()
            .filter(tender=tender, bid__supplier=supplier, pilot__isnull=True)
            .select_related("lot")
            .first()
        )
        if award is None:
            raise CommandError(
                f"The demo pilot {spec['title']!r} comes from the award of {spec['tender']!r} "
                f"to {spec['supplier']!r}, which is missing: run seed_demo (bids award it)."
            )
        awarded_on = timezone.localdate(award.decided_at)
        starts_on = awarded_on + datetime.timedelta(days=spec["starts_days_after_award"])
        ends_on = starts_on + datetime.timedelta(days=spec["duration_days"])
        decided_at = None
        if "decided_days_after_end" in spec:
            decided_at = timezone.make_aware(
                datetime.datetime.combine(
                    ends_on + datetime.timedelta(days=spec["decided_days_after_end"]),
                    datetime.time(12),
                )
            )
        today = timezone.localdate()
        pilot = Pilot.objects.create(
            title=spec["title"],
            summary=spec["summary"],
            tender=tender,
            lot=award.lot,
            award=award,
            supplier=supplier,
            buyer=tender.buyer,
            unit=tender.unit,
            budget_owner=spec["budget_owner"],
            budget=spec["budget"],
            starts_on=starts_on,
            ends_on=ends_on,
            status=spec["status"],
            outcome=spec.get("outcome", ""),
            outcome_reason=spec.get("outcome_reason", ""),
            decided_at=decided_at,
            contract_value=spec.get("contract_value"),
        )
        PilotEntry.objects.create(
            pilot=pilot,
            kind=PilotEntry.Kind.CREATED,
            text=pilot.title,
            author_organisation=pilot.buyer,
        )
        for order, (title, days) in enumerate(spec["milestones"], start=1):
            due_on = starts_on + datetime.timedelta(days=days)
            Milestone.objects.create(
                pilot=pilot,
                order=order,
                title=title,
                due_on=due_on,
                completed_on=due_on if due_on <= today else None,
            )
        for order, (name, unit, direction, baseline, target, measured) in enumerate(
            spec["kpis"], start=1
        ):
            kpi = Kpi.objects.create(
                pilot=pilot,
                order=order,
                name=name,
                unit=unit,
                direction=direction,
                baseline=Decimal(baseline) if baseline else None,
                target=Decimal(target),
                measured=Decimal(measured) if measured else None,
                measured_on=pilot.starts_on if measured else None,
            )
            if measured:
                PilotEntry.objects.create(
                    pilot=pilot,
                    kind=PilotEntry.Kind.KPI,
                    text=kpi.name,
                    data={
                        "kpi": kpi.pk,
                        "event": "measured",
                        "value": measured,
                        "unit": unit,
                        "target": target,
                    },
                    author_organisation=supplier,
                )
        if pilot.outcome:
            PilotEntry.objects.create(
                pilot=pilot,
                kind=PilotEntry.Kind.DECISION,
                text=pilot.outcome_reason,
                data={"outcome": pilot.outcome},
                author_organisation=pilot.buyer,
                created_at=pilot.decided_at,
            )
        return pilot
