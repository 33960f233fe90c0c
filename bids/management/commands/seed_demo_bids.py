"""Demo bids: one past-deadline pilot tender with two submitted bids (one joint), opened,
evaluated and awarded (its award is the demo's running pilot), so a newcomer sees the buyer's
whole bid journey; and the bids of the
demo framework agreement that seed_demo_tenders leaves closed, opened before its award (its
award notice names the winner and counts the bids from the opening protocol).

Called by ``manage.py seed_demo`` after the demo people and tenders exist. Idempotent: the demo
tender is found by its title, and nothing is made twice. The bids are sealed exactly as the
supplier side seals them; opening, evaluation and award go through their services.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bids.content import BidContent, Subcontractor
from bids.models import Bid, BidDocument, ConsortiumMember
from bids.services import award, evaluation, opening, sealing
from marketplace.models import CpvCode, Organisation, User
from marketplace.services.audit import audit_record
from tenders.models import (
    ClimateConsideration,
    Criterion,
    Lot,
    Procedure,
    QualificationRequirement,
    Tender,
)
from tenders.services.references import reference_next

TITLE = "Pilot: energistyring i skolebygg"
FRAMEWORK_TITLE = "Rammeavtale om rådgivning for digital innkalling"  # from seed_demo_tenders
MAIN_CPV = "72000000"  # IT services: the energy management is a service
BUYER_SLUG = "akershus-fylkeskommune"
UNIT_SLUG = "utdanning"
LEAD_SLUG, PARTNER_SLUG, OTHER_SLUG = "nordlys-sensorikk", "bakke-berg", "storby-digital"
OFFICER, OPENER, EVALUATOR = "innkjoper@afk.test", "apner@afk.test", "evaluator@afk.test"
DEMO_PDF = b"%PDF-1.4\n% Demo: tilbudsbrev\n%%EOF\n"
DEADLINE_DAYS_AGO = 75
AWARD_DAYS_AFTER_OPENING = 2


class Command(BaseCommand):
    help = "Create the demo pilot tender with opened, evaluated and awarded bids."

    def handle(self, *args, **options):
        people = self._people()
        organisations = self._organisations()
        created = 0
        if not Tender.objects.filter(title=TITLE, buyer__slug=BUYER_SLUG).exists():
            with transaction.atomic():
                tender = self._tender(organisations["buyer"])
                self.stdout.write(f"  tender {tender.reference}: {TITLE}")
                bids = self._bids(tender, organisations, people["grunder"])
                self.stdout.write(f"  bids: {len(bids)} submitted, one joint")
                self._evaluate_and_award(tender, bids, people)
                audit_record(actor=None, action="demo.bids_seeded", obj=tender)
            created += 1
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo bids ready: {tender.reference} opened, evaluated, awarded."
                )
            )
        framework = Tender.objects.filter(
            title=FRAMEWORK_TITLE, buyer__slug=BUYER_SLUG, status=Tender.Status.CLOSED
        ).first()
        if framework is not None and not Bid.objects.filter(tender=framework).exists():
            with transaction.atomic():
                self._framework(framework, organisations, people)
                audit_record(actor=None, action="demo.bids_seeded", obj=framework)
            created += 1
        if not created:
            self.stdout.write("Demo bids ready (0 new rows).")

    def _framework(self, tender: Tender, organisations, people) -> None:
        """Two bids on the framework agreement, opened after its deadline, agreed by the
        officer and awarded to Storby Digital (the demo pilot on it follows from that award)."""
        deadline = tender.submission_deadline
        winner = self._bid(
            tender,
            organisations["other"],
            None,
            price="1150000",
            submitted_at=deadline - datetime.timedelta(days=2),
        )
        other = self._bid(
            tender,
            organisations["partner"],
            None,
            price="990000",
            submitted_at=deadline - datetime.timedelta(hours=3),
        )
        self._evaluate_and_award(
            tender,
            [winner, other],
            people,
            agreed={winner.pk: ("8", "7"), other.pk: ("5", "9")},
            evaluators=False,
            reasons="Best vektet kompetanse og pris.",
        )
        self.stdout.write(
            f"  {tender.reference}: two bids, opened and awarded to {winner.supplier}"
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _people(self) -> dict[str, User]:
        emails = {
            "officer": OFFICER,
            "opener": OPENER,
            "evaluator": EVALUATOR,
            "grunder": "grunder@nordlys.test",
        }
        people = {key: User.objects.filter(email=email).first() for key, email in emails.items()}
        missing = [emails[key] for key, user in people.items() if user is None]
        if missing:
            raise CommandError(
                f"Demo accounts missing ({', '.join(missing)}): run `manage.py seed_demo` first."
            )
        return people

    def _organisations(self) -> dict[str, Organisation]:
        slugs = {
            "buyer": BUYER_SLUG,
            "lead": LEAD_SLUG,
            "partner": PARTNER_SLUG,
            "other": OTHER_SLUG,
        }
        found = {key: Organisation.objects.filter(slug=slug).first() for key, slug in slugs.items()}
        missing = [slugs[key] for key, org in found.items() if org is None]
        if missing:
            raise CommandError(
                f"Demo organisations missing ({', '.join(missing)}): run `manage.py seed_demo`."
            )
        return found

    def _tender(self, buyer: Organisation) -> Tender:
        now = timezone.now()
        unit = buyer.units.filter(slug=UNIT_SLUG).first()
        if unit is None:
            raise CommandError(
                f"The demo unit {UNIT_SLUG!r} is missing: run `manage.py seed_demo`."
            )
        # Long enough ago for its award to have become the demo's running pilot
        # (seed_demo_pilots): opened the hour after the deadline, awarded two days later.
        deadline = (now - datetime.timedelta(days=DEADLINE_DAYS_AGO)).replace(
            hour=11, minute=0, second=0, microsecond=0
        )
        tender = Tender(
            reference=reference_next(year=deadline.year),
            buyer=buyer,
            unit=unit,
            title=TITLE,
            description="<p>Fylkeskommunen tester styring av energibruk i tre "
            "videregående skoler i seks måneder.</p>",
            procedure=Procedure.OPEN,
            contract_type="services",
            estimated_value=Decimal("900000"),
            threshold_band="national",
            is_pilot=True,
            pilot_duration_months=6,
            pilot_budget=Decimal("900000"),
            scale_up_option="Opsjon på utrulling til alle fylkeskommunens skoler.",
            question_deadline=deadline - datetime.timedelta(days=7),
            submission_deadline=deadline,
            status=Tender.Status.CLOSED,
            published_at=deadline - datetime.timedelta(days=30),
            closed_at=deadline,
            main_cpv=CpvCode.objects.filter(code=MAIN_CPV).first(),
            # FOA § 7-9: the specification asks for measured energy savings.
            climate_consideration=ClimateConsideration.SPECIFICATION,
            climate_consideration_note="Kravspesifikasjonen krever målt energibesparelse og "
            "rapport om reduserte klimagassutslipp fra skolebyggene.",
        )
        tender.full_clean(exclude=["created_by"])
        tender.save()
        Lot.objects.create(tender=tender, number=1, title="Energistyring i tre skoler")
        Criterion.objects.create(
            tender=tender, order=0, name="Kvalitet og gjennomføring", weight=60
        )
        Criterion.objects.create(
            tender=tender, order=1, name="Pris", weight=40, kind=Criterion.Kind.PRICE
        )
        QualificationRequirement.objects.create(
            tender=tender, text="Leverandøren skal ha erfaring med lignende oppdrag."
        )
        return tender

    def _bid(self, tender, supplier, user, *, price, submitted_at, members=(), subs=()) -> Bid:
        lot = tender.lots.get()
        content = BidContent(
            prices={lot.pk: Decimal(price)},
            criteria={c.pk: "Se vedlagt løsningsbeskrivelse." for c in tender.criteria.all()},
            qualification={r.pk: "Oppfylt." for r in tender.requirements.all()},
            subcontractors=list(subs),
            message="Vi ser fram til piloten.",
        )
        bid = Bid(
            tender=tender,
            supplier=supplier,
            status=Bid.Status.SUBMITTED,
            is_joint=bool(members),
            submitted_at=submitted_at,
            submitted_by=user,
            created_by=user,
            receipt_code=f"DEMO-{tender.reference}-{supplier.org_number}",
        )
        key = sealing.new_envelope(bid)
        data = content.to_dict()
        sealing.seal_content(bid, data, key=key)
        bid.content_sha256 = sealing.content_sha256(data)
        bid.save()
        document = BidDocument(
            bid=bid,
            content_type="application/pdf",
            size=len(DEMO_PDF),
            sha256=hashlib.sha256(DEMO_PDF).hexdigest(),
            uploaded_by=user,
        )
        sealing.seal_document_meta(document, {"name": "tilbudsbrev.pdf", "title": ""}, key=key)
        document.file.save(
            "sealed", ContentFile(sealing.seal_document_bytes(document, DEMO_PDF, key=key)), False
        )
        document.save()
        for member in members:
            ConsortiumMember.objects.create(
                bid=bid,
                org_number=member.org_number,
                organisation=member,
                status=ConsortiumMember.Status.CONFIRMED,
                invited_by=user,
                responded_at=submitted_at,
            )
        return bid

    def _bids(self, tender, organisations, grunder) -> list[Bid]:
        deadline = tender.submission_deadline
        joint = self._bid(
            tender,
            organisations["lead"],
            grunder,
            price="780000",
            submitted_at=deadline - datetime.timedelta(hours=5),
            members=[organisations["partner"]],
            subs=[
                Subcontractor(
                    name="Storby Digital ASA",
                    org_number=organisations["other"].org_number,
                    share_percent=Decimal("15"),
                    work="Dataplattform",
                )
            ],
        )
        single = self._bid(
            tender,
            organisations["other"],
            None,
            price="690000",
            submitted_at=deadline - datetime.timedelta(days=1),
        )
        return [joint, single]

    def _evaluate_and_award(
        self, tender, bids, people, *, agreed=None, evaluators=True, reasons=""
    ) -> None:
        officer, opener, evaluator = people["officer"], people["opener"], people["evaluator"]
        opened_at = tender.submission_deadline + datetime.timedelta(hours=1)
        opening.opening_start(tender=tender, by=opener, now=opened_at)
        self.stdout.write(f"  opened by {opener.email}")
        if evaluators:
            evaluation.evaluator_assign(tender=tender, user=evaluator, by=officer)
        lot = tender.lots.get()
        criteria = list(tender.criteria.order_by("order"))
        agreed = agreed or {bids[0].pk: ("8.5", "7"), bids[1].pk: ("6", "9")}
        for bid in bids:
            evaluation.qualification_assess(bid=bid, by=officer, result="qualified")
            for criterion, points in zip(criteria, agreed[bid.pk], strict=True):
                if evaluators:
                    evaluation.score_set(
                        bid=bid, lot=lot, criterion=criterion, by=evaluator, points=points
                    )
                evaluation.consensus_set(
                    bid=bid,
                    lot=lot,
                    criterion=criterion,
                    by=officer,
                    points=points,
                    rationale="Enighet i evalueringsmøtet.",
                )
        self.stdout.write(f"  evaluated, consensus by {officer.email}")
        award.award_decide(
            tender=tender,
            lot=lot,
            bid=bids[0],
            by=officer,
            now=opened_at + datetime.timedelta(days=AWARD_DAYS_AFTER_OPENING),
            reasons=reasons
            or "Høyest vektet poengsum: best løsningsbeskrivelse og gjennomføringsplan.",
        )
        self.stdout.write(f"  awarded to {bids[0].supplier.name}")
