"""Demo needs, test arenas, tenders and answered questions for Akershus fylkeskommune.

Called by ``manage.py seed_demo`` after it has created the demo buyers, units and suppliers.
Everything is written here in code: the product never needs the shared reference data at run
time. Idempotent: needs and arenas are found by slug, tenders by buyer and title, so running it
again adds nothing. Deadlines are set relative to the first run, so the open tenders are open.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from marketplace.formatting import OSLO
from marketplace.models import CpvCode, Municipality, Organisation
from marketplace.services.audit import audit_record
from tenders.models import (
    Amendment,
    ClimateConsideration,
    Criterion,
    Lot,
    Need,
    Procedure,
    QualificationRequirement,
    Question,
    Tender,
    TestArena,
    Theme,
    threshold_band,
)
from tenders.services.references import reference_next

BUYER_SLUG = "akershus-fylkeskommune"
SUPPLIER_SLUG = "nordlys-sensorikk"

ARENAS = [
    {
        "slug": "tre-videregaende-skoler",
        "kind": TestArena.Kind.SCHOOL,
        "unit": "utdanning",
        "name": "Tre videregående skoler på Romerike",
        "name_en": "Three upper-secondary schools in Romerike",
        "description": "Klasserom, verksteder og fellesareal i tre skoler med rundt 2 000 elever.",
        "description_en": "Classrooms, workshops and shared spaces in three schools with some "
        "2,000 pupils.",
        "suits": "Læringsteknologi, inneklima, energistyring og renhold.",
        "location": "Lillestrøm",
        "municipality": "3205",
        "availability": "Skoleåret 2026/27, etter avtale",
    },
    {
        "slug": "fylkesvei-120-testvei",
        "kind": TestArena.Kind.ROAD,
        "unit": "samferdsel",
        "name": "Testvei på fylkesvei 120",
        "name_en": "Test road on county road 120",
        "description": "Fire kilometer fylkesvei med busstopp, gang- og sykkelvei og målestasjon.",
        "description_en": "Four kilometres of county road with bus stops, a cycle path and a "
        "measuring station.",
        "suits": "Sensorer, vinterdrift, trafikkstyring og nye vegdekker.",
        "location": "Nordre Follo",
        "municipality": "3207",
        "availability": "Hele året; vinterdrift november–mars",
    },
    {
        "slug": "tannklinikk-lillestrom",
        "kind": TestArena.Kind.HEALTH,
        "unit": "tannhelse",
        "name": "Den offentlige tannklinikken i Lillestrøm",
        "name_en": "The public dental clinic in Lillestrøm",
        "description": "En klinikk med seks behandlingsrom og eget sterilsenter.",
        "description_en": "A clinic with six treatment rooms and its own sterilisation unit.",
        "suits": "Pasientflyt, digitale innkallinger og sterilisering.",
        "location": "Lillestrøm",
        "municipality": "3205",
        "availability": "Fra januar 2027",
    },
]

NEEDS = [
    {
        "slug": "smartere-vinterdrift",
        "unit": "samferdsel",
        "title": "Smartere vinterdrift av gang- og sykkelveier",
        "problem": "Gang- og sykkelveiene brøytes etter faste ruter, ikke etter behov. Syklister "
        "møter is om morgenen, mens andre strekninger brøytes unødig.",
        "desired_outcomes": "Færre fallulykker, lavere saltforbruk og brøyting når det trengs.",
        "timeline": "Pilot vinteren 2026/27",
        "budget": (Decimal("500000"), Decimal("1500000")),
        "pilot": True,
        "arena": "fylkesvei-120-testvei",
        "arena_offer": "Fire kilometer fylkesvei med målestasjon i én vintersesong",
        "cpv": ["38431000", "90000000"],
        "themes": ["digital", "transport"],
        "status": Need.Status.TENDERED,
    },
    {
        "slug": "inneklima-i-klasserommet",
        "unit": "utdanning",
        "title": "Bedre inneklima i klasserommet",
        "problem": "Elever og lærere melder om tung luft og kalde klasserom. Ventilasjonen styres "
        "etter timeplan, ikke etter hvor mange som er i rommet.",
        "desired_outcomes": "Målt inneklima i hvert rom og styring etter faktisk bruk.",
        "timeline": "Markedsdialog høsten 2026, pilot våren 2027",
        "budget": (Decimal("300000"), Decimal("900000")),
        "pilot": True,
        "arena": "tre-videregaende-skoler",
        "arena_offer": "Tre videregående skoler i seks måneder",
        "cpv": ["38431000", "72000000"],
        "themes": ["education", "green-circular"],
        "status": Need.Status.OPEN,
    },
    {
        "slug": "digital-innkalling-tannhelse",
        "unit": "tannhelse",
        "title": "Digital innkalling til tannhelsetjenesten",
        "problem": "Mange innkallinger sendes fortsatt på papir, og hver tiende time blir ikke "
        "brukt.",
        "desired_outcomes": "Færre tapte timer og innkalling i kanalen pasienten foretrekker.",
        "timeline": "Dialog høsten 2026",
        "budget": (None, Decimal("800000")),
        "pilot": False,
        "arena": None,
        "arena_offer": "",
        "cpv": ["72212000"],
        "themes": ["health-welfare", "digital"],
        "status": Need.Status.OPEN,
    },
]


class Command(BaseCommand):
    help = "Create (or complete) the demo needs, test arenas and tenders."

    def handle(self, *args, **options):
        buyer = Organisation.objects.buyers().filter(slug=BUYER_SLUG).first()
        if buyer is None:
            raise CommandError(
                f"The demo buyer {BUYER_SLUG!r} is missing: run `manage.py seed_demo` first."
            )
        with transaction.atomic():
            created = self._seed(buyer)
            if created:
                audit_record(actor=None, action="demo.tenders_seeded", after={"new_rows": created})
        self.stdout.write(self.style.SUCCESS(f"Demo tenders ready ({created} new rows)."))

    # -- helpers ---------------------------------------------------------------------------------

    def _seed(self, buyer: Organisation) -> int:
        self.buyer = buyer
        self.units = {unit.slug: unit for unit in buyer.units.all()}
        self.now = timezone.now()
        self.supplier = Organisation.objects.suppliers().filter(slug=SUPPLIER_SLUG).first()
        created = self._arenas() + self._needs()
        created += self._tenders()
        return created

    def _unit(self, slug: str):
        unit = self.units.get(slug)
        if unit is None:
            raise CommandError(f"The demo unit {slug!r} of {self.buyer.name} is missing.")
        return unit

    def _oslo(self, days: int, hour: int = 12) -> datetime.datetime:
        """``hour`` o'clock Oslo time, ``days`` from today."""
        day = timezone.localdate(self.now, OSLO) + datetime.timedelta(days=days)
        return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=OSLO)

    @staticmethod
    def _codes(codes: list[str]) -> list[CpvCode]:
        found = {code.code: code for code in CpvCode.objects.filter(code__in=codes)}
        return [found[code] for code in codes if code in found]

    def _arenas(self) -> int:
        created = 0
        for data in ARENAS:
            values = {k: v for k, v in data.items() if k not in {"slug", "unit", "municipality"}}
            _, new = TestArena.objects.get_or_create(
                slug=data["slug"],
                defaults={
                    **values,
                    "owner": self.buyer,
                    "unit": self._unit(data["unit"]),
                    "municipality": Municipality.objects.filter(
                        number=data["municipality"]
                    ).first(),
                    "contact_name": "Pilotkontoret",
                    "contact_email": "pilot@afk.example",
                    "is_published": True,
                },
            )
            created += new
        self.stdout.write(f"  test arenas: {len(ARENAS)}")
        return created

    def _needs(self) -> int:
        created = 0
        for index, data in enumerate(NEEDS):
            budget_min, budget_max = data["budget"]
            published_at = self._oslo(-40 + index * 5, 9)
            if Need.objects.filter(slug=data["slug"]).exists():
                continue
            need = Need(
                slug=data["slug"],
                **{
                    "buyer": self.buyer,
                    "unit": self._unit(data["unit"]),
                    "title": data["title"],
                    "problem": data["problem"],
                    "desired_outcomes": data["desired_outcomes"],
                    "timeline": data["timeline"],
                    "budget_min": budget_min,
                    "budget_max": budget_max,
                    "is_pilot_opportunity": data["pilot"],
                    "test_arena": TestArena.objects.filter(slug=data["arena"]).first()
                    if data["arena"]
                    else None,
                    "test_arena_offer": data["arena_offer"],
                    "status": data["status"],
                    "published_at": published_at,
                    "dialogue_deadline": self._oslo(30, 12)
                    if data["status"] == Need.Status.OPEN
                    else published_at + datetime.timedelta(days=21),
                    "closed_at": published_at + datetime.timedelta(days=21)
                    if data["status"] == Need.Status.TENDERED
                    else None,
                    "tendered_at": self._oslo(-10, 9)
                    if data["status"] == Need.Status.TENDERED
                    else None,
                },
            )
            need.full_clean(exclude=["created_by"])  # seeded by the system, not a person
            need.save()
            need.cpv_codes.set(self._codes(data["cpv"]))
            need.themes.set(Theme.objects.filter(slug__in=data["themes"]))
            created += 1
        self.stdout.write(f"  needs: {len(NEEDS)}")
        return created

    def _tender(self, *, title: str, unit: str, lots=(), criteria=(), cpv=(), **fields):
        """A tender with its lots, its award criteria ((name, weight, kind?): quality unless
        given; FOA § 7-9 asks for climate and environment at 30 % with two or more) and one
        qualification requirement. The first CPV code is the main one and fits the contract
        type (the eForms rules check it)."""
        existing = Tender.objects.filter(buyer=self.buyer, title=title).first()
        if existing is not None:
            return existing, False
        codes = self._codes(list(cpv))
        contract_type = fields.setdefault("contract_type", "services")
        published_at = fields.get("published_at")
        day = timezone.localdate(published_at or self.now)
        tender = Tender(
            reference=reference_next(year=day.year),
            buyer=self.buyer,
            unit=self._unit(unit),
            title=title,
            main_cpv=codes[0] if codes else None,
            threshold_band=threshold_band(fields.get("estimated_value"), contract_type, day),
            **fields,
        )
        tender.full_clean(exclude=["created_by"])  # seeded by the system, not a person
        tender.save()
        if len(codes) > 1:
            tender.additional_cpv.set(codes[1:])
        for number, (lot_title, value, smb, lot_cpv) in enumerate(lots, 1):
            lot = Lot.objects.create(
                tender=tender,
                number=number,
                title=lot_title,
                description=f"{lot_title}.",
                estimated_value=value,
                suitable_for_smb=smb,
            )
            lot.cpv_codes.set(self._codes(lot_cpv))
        for order, (name, weight, *kind) in enumerate(criteria):
            Criterion.objects.create(
                tender=tender,
                order=order,
                name=name,
                weight=weight,
                kind=kind[0] if kind else Criterion.Kind.QUALITY,
            )
        QualificationRequirement.objects.create(
            tender=tender,
            text="Leverandøren skal ha tilstrekkelig økonomisk og finansiell kapasitet.",
            documentation="Årsregnskap for siste år eller en kredittvurdering.",
        )
        return tender, True

    def _tenders(self) -> int:
        created = 0
        winter_need = Need.objects.filter(slug="smartere-vinterdrift").first()
        tender, new = self._tender(
            title="Sensorbasert vinterdrift av gang- og sykkelveier",
            unit="samferdsel",
            need=winter_need,
            description="<p>Fylkeskommunen søker leverandører av <strong>sensorer og "
            "varsling</strong> for vinterdrift. Konkurransen er delt i to delkontrakter; "
            "delkontrakt 2 passer for små og mellomstore bedrifter.</p>",
            procedure=Procedure.OPEN,
            contract_type="services",
            estimated_value=Decimal("2400000"),
            max_lots_per_bidder=2,
            is_pilot=True,
            pilot_duration_months=6,
            pilot_budget=Decimal("600000"),
            scale_up_option="Opsjon på utrulling til alle fylkesveier i 2028.",
            question_deadline=self._oslo(14),
            submission_deadline=self._oslo(28),
            status=Tender.Status.PUBLISHED,
            published_at=self._oslo(-7, 10),
            version=2,
            lots=[
                ("Sensorer og målestasjoner", Decimal("1600000"), False, ["38431000"]),
                ("Varslingstjeneste og app", Decimal("800000"), True, ["72212000"]),
            ],
            criteria=[
                ("Kvalitet", 40, Criterion.Kind.QUALITY),
                ("Pris", 30, Criterion.Kind.PRICE),
                ("Klima og miljø", 30, Criterion.Kind.CLIMATE),
            ],
            # Snow clearing is a service; the sensors (a supplies code) are an additional code.
            cpv=["90620000", "38431000", "72212000", "90000000"],
        )
        if new:
            created += 1
            Amendment.objects.create(
                tender=tender,
                number=1,
                summary="Spørsmålsfristen er forlenget med tre dager.",
                changes={
                    "question_deadline": {
                        "before": self._oslo(11).astimezone(datetime.UTC).isoformat(),
                        "after": self._oslo(14).astimezone(datetime.UTC).isoformat(),
                    }
                },
                is_deadline_extension=True,
                created_at=self._oslo(-3, 9),
            )
            self._questions(tender)
        _tender, new = self._tender(
            title="Elektriske skolebusser – leie med sjåfør",
            unit="samferdsel",
            description="<p>Leie av elektriske minibusser med sjåfør til skoleskyss i Nes og "
            "Eidsvoll.</p>",
            procedure=Procedure.SIMPLE,
            contract_type="services",
            estimated_value=Decimal("900000"),
            question_deadline=self._oslo(7),
            submission_deadline=self._oslo(12),
            status=Tender.Status.PUBLISHED,
            published_at=self._oslo(-2, 10),
            criteria=[
                ("Pris", 50, Criterion.Kind.PRICE),
                ("Kvalitet", 20, Criterion.Kind.QUALITY),
                ("Klima og miljø", 30, Criterion.Kind.CLIMATE),
            ],
            cpv=["60112000", "34144900"],
        )
        created += new
        _tender, new = self._tender(
            title="Solcelleanlegg på tre videregående skoler",
            unit="eiendom",
            description="<p>Prosjektering og bygging av solcelleanlegg på tak.</p>",
            procedure=Procedure.RESTRICTED,
            contract_type="works",
            estimated_value=Decimal("12000000"),
            question_deadline=self._oslo(-20),
            submission_deadline=self._oslo(-12),
            status=Tender.Status.CLOSED,
            published_at=self._oslo(-45, 10),
            closed_at=self._oslo(-12),
            criteria=[
                ("Pris", 50, Criterion.Kind.PRICE),
                ("Gjennomføring", 20, Criterion.Kind.QUALITY),
                ("Klima og miljø", 30, Criterion.Kind.CLIMATE),
            ],
            cpv=["45000000", "09331000"],
        )
        created += new
        _tender, new = self._tender(
            title="Rammeavtale om rådgivning for digital innkalling",
            unit="tannhelse",
            description="<p>Rådgivning om digitale innkallinger i tannhelsetjenesten.</p>",
            procedure=Procedure.NEGOTIATION,
            contract_type="services",
            estimated_value=Decimal("1200000"),
            # Over a year ago: its award became the pilot that was scaled up (seed_demo_pilots).
            question_deadline=self._oslo(-430),
            submission_deadline=self._oslo(-420),
            # Closed here; seed_demo_bids adds its bids, opens, evaluates and awards it.
            status=Tender.Status.CLOSED,
            published_at=self._oslo(-450, 10),
            closed_at=self._oslo(-420),
            climate_consideration=ClimateConsideration.EXEMPT_INSIGNIFICANT,
            climate_consideration_note="Rådgivningen har ubetydelig klima- og miljøpåvirkning: "
            "oppdraget løses i hovedsak digitalt, uten reiser eller varer.",
            lots=[
                (
                    "Rådgivning om digital innkalling",
                    Decimal("1200000"),
                    True,
                    ["79410000", "72000000"],
                )
            ],
            criteria=[
                ("Kompetanse", 60, Criterion.Kind.QUALITY),
                ("Pris", 40, Criterion.Kind.PRICE),
            ],
            cpv=["79410000", "72000000"],
        )
        created += new
        _tender, new = self._tender(
            title="Kjøp av læringsplattform (avlyst)",
            unit="utdanning",
            description="<p>Konkurransen er avlyst fordi behovet er endret.</p>",
            procedure=Procedure.OPEN,
            contract_type="goods",  # a software package (CPV 48) is bought as goods
            estimated_value=Decimal("3000000"),
            question_deadline=self._oslo(-30),
            submission_deadline=self._oslo(-25),
            status=Tender.Status.CANCELLED,
            published_at=self._oslo(-50, 10),
            cancelled_at=self._oslo(-35, 11),
            cancellation_reason="Behovet er endret etter markedsdialogen.",
            criteria=[("Kvalitet", 100)],
            cpv=["48000000", "80000000"],
        )
        created += new
        self.stdout.write(
            "  tenders: 5 (2 open, 2 closed, 1 cancelled; seed_demo_bids awards one of the closed)"
        )
        return created

    def _questions(self, tender: Tender) -> None:
        if self.supplier is None:
            return
        answered = [
            (
                "Kan sensorene festes på eksisterende lysmaster?",
                "Ja, så lenge festet ikke krever nye hull i masten.",
            ),
            (
                "Må varslingstjenesten ha en egen app?",
                "Nei, varsling på SMS eller e-post holder.",
            ),
        ]
        for number, (text, answer) in enumerate(answered, 1):
            Question.objects.create(
                tender=tender,
                number=number,
                asked_by_organisation=self.supplier,
                text=text,
                published_question=text,
                answer=answer,
                published_at=self._oslo(-4 + number, 15),
            )
