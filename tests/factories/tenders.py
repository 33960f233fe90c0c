"""Factories for needs, test arenas, tenders (lots, criteria, requirements, documents,
amendments), questions and follows.

``TenderFactory()`` is a draft of the buyer's own that is ready to publish (one criterion
weighing 100, deadlines in the future, a national-band value). Traits:
``TenderFactory(published=True)``, ``closed=True``, ``in_evaluation=True``, ``cancelled=True``,
``external=True`` (an imported Doffin tender without a registered buyer).
``TenderFactory(lots=2)`` adds two lots; ``criteria=False`` leaves the tender without criteria.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from tenders.models import (
    Amendment,
    Criterion,
    Follow,
    Lot,
    Need,
    NeedInvitation,
    NeedResponse,
    Procedure,
    QualificationRequirement,
    Question,
    Source,
    Tender,
    TenderDocument,
    TestArena,
)

from .organisations import BuyerFactory, OrganisationUnitFactory, SupplierFactory, UserFactory

# The smallest file the content check accepts as a PDF.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _in_days(days: int, hour: int = 12) -> datetime.datetime:
    """Noon (UTC) ``days`` from now: far enough from now that a test run never crosses it."""
    return (timezone.now() + datetime.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


class TestArenaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TestArena

    __test__ = False  # not a pytest test class

    owner = factory.SubFactory(BuyerFactory)
    unit = None
    kind = TestArena.Kind.SCHOOL
    name = factory.Sequence(lambda n: f"Testarena {n}")
    name_en = factory.Sequence(lambda n: f"Test arena {n}")
    slug = factory.Sequence(lambda n: f"testarena-{n}")
    description = "Tre videregående skoler i seks måneder."
    description_en = "Three upper-secondary schools for six months."
    suits = "Læringsteknologi, inneklima og energistyring."
    location = "Lillestrøm"
    availability = "Skoleåret 2026/27"
    contact_name = "Kari Nordmann"
    contact_email = "testarena@afk.test"
    is_published = True


class NeedFactory(factory.django.DjangoModelFactory):
    """A draft need; ``NeedFactory(status=Need.Status.OPEN, published_at=...)`` for an open one.

    ``NeedFactory(open=True)`` sets status and published_at together.
    """

    class Meta:
        model = Need
        skip_postgeneration_save = True

    buyer = factory.SubFactory(BuyerFactory)
    unit = factory.SubFactory(
        OrganisationUnitFactory, organisation=factory.SelfAttribute("..buyer")
    )
    title = factory.Sequence(lambda n: f"Behov {n}: smartere skoleskyss")
    slug = factory.Sequence(lambda n: f"behov-{n}")
    problem = "Elevene venter for lenge på bussen om vinteren."
    desired_outcomes = "Kortere ventetid og færre tomme busser."
    budget_min = Decimal("500000")
    budget_max = Decimal("2000000")
    timeline = "Pilot høsten 2026"
    status = Need.Status.DRAFT

    class Params:
        open = factory.Trait(
            status=Need.Status.OPEN,
            published_at=factory.LazyFunction(timezone.now),
            dialogue_deadline=factory.LazyFunction(lambda: _in_days(30)),
        )
        pilot = factory.Trait(
            is_pilot_opportunity=True,
            test_arena=factory.SubFactory(TestArenaFactory, owner=factory.SelfAttribute("..buyer")),
            test_arena_offer="Tre videregående skoler i seks måneder",
        )

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)

    @factory.post_generation
    def cpv_codes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.cpv_codes.set(extracted)

    @factory.post_generation
    def municipalities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.municipalities.set(extracted)


class NeedResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedResponse

    need = factory.SubFactory(NeedFactory, open=True)
    supplier = factory.SubFactory(SupplierFactory)
    kind = NeedResponse.Kind.INTEREST
    sketch = ""
    created_by = factory.SubFactory(UserFactory)


class NeedInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedInvitation

    need = factory.SubFactory(NeedFactory, open=True)
    supplier = factory.SubFactory(SupplierFactory)
    message = "Vi vil gjerne høre fra dere."
    invited_by = factory.SubFactory(UserFactory)


class TenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tender
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"TST-2026-{n + 1:04d}")
    source = Source.OWN
    title = factory.Sequence(lambda n: f"Konkurranse {n}: drift av ladestasjoner")
    description = "<p>Vi søker en leverandør til <strong>drift</strong> av ladestasjoner.</p>"
    buyer = factory.SubFactory(BuyerFactory)
    unit = factory.SubFactory(
        OrganisationUnitFactory, organisation=factory.SelfAttribute("..buyer")
    )
    procedure = Procedure.OPEN
    contract_type = "services"
    estimated_value = Decimal("1500000")
    threshold_band = "national"
    question_deadline = factory.LazyFunction(lambda: _in_days(14))
    submission_deadline = factory.LazyFunction(lambda: _in_days(21))
    status = Tender.Status.DRAFT

    class Params:
        published = factory.Trait(
            status=Tender.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
        )
        closed = factory.Trait(
            status=Tender.Status.CLOSED,
            published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30)),
            question_deadline=factory.LazyFunction(lambda: _in_days(-9)),
            submission_deadline=factory.LazyFunction(lambda: _in_days(-2)),
            closed_at=factory.LazyFunction(lambda: _in_days(-2)),
        )
        in_evaluation = factory.Trait(
            closed=True,
            status=Tender.Status.IN_EVALUATION,
            evaluation_started_at=factory.LazyFunction(lambda: _in_days(-1)),
        )
        cancelled = factory.Trait(
            status=Tender.Status.CANCELLED,
            published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=5)),
            cancelled_at=factory.LazyFunction(timezone.now),
            cancellation_reason="Behovet er endret.",
        )
        external = factory.Trait(
            source=Source.DOFFIN,
            buyer=None,
            unit=None,
            buyer_name="Oslo kommune",
            buyer_org_number="974770482",
            external_id=factory.Sequence(lambda n: f"2026-{100000 + n}"),
            external_url=factory.LazyAttribute(
                lambda o: f"https://doffin.no/notices/{o.external_id}"
            ),
            reference=factory.LazyAttribute(lambda o: f"DOFFIN-{o.external_id}"),
            status=Tender.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2)),
        )

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        """One criterion weighing 100 unless ``criteria=False`` or a list of weights."""
        if not create or extracted is False or obj.is_external:
            return
        weights = extracted if isinstance(extracted, list | tuple) else [100]
        # With two or more criteria a publishable tender meets FOA § 7-9: the last one weighing
        # at least 30 % is of the kind climate and environment.
        climate_at = next(
            (n for n in reversed(range(len(weights))) if len(weights) > 1 and weights[n] >= 30),
            None,
        )
        for order, weight in enumerate(weights):
            kind = Criterion.Kind.CLIMATE if order == climate_at else Criterion.Kind.QUALITY
            CriterionFactory(tender=obj, order=order, weight=weight, kind=kind)

    @factory.post_generation
    def lots(obj, create, extracted, **kwargs):
        """``lots=N`` adds N lots numbered 1..N."""
        if create and extracted:
            for number in range(1, int(extracted) + 1):
                LotFactory(tender=obj, number=number)

    @factory.post_generation
    def additional_cpv(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.additional_cpv.set(extracted)

    @factory.post_generation
    def municipalities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.municipalities.set(extracted)

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot
        skip_postgeneration_save = True

    tender = factory.SubFactory(TenderFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: f"Delkontrakt {o.number}")
    description = "Drift og vedlikehold i én region."
    estimated_value = Decimal("750000")
    suitable_for_smb = False

    @factory.post_generation
    def cpv_codes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.cpv_codes.set(extracted)

    @factory.post_generation
    def municipalities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.municipalities.set(extracted)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    tender = factory.SubFactory(TenderFactory, criteria=False)
    order = 0
    name = factory.Sequence(lambda n: f"Kriterium {n}")
    description = "Vurderes etter beskrivelsen i tilbudet."
    weight = 100


class QualificationRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualificationRequirement

    tender = factory.SubFactory(TenderFactory)
    order = 0
    text = "Leverandøren skal ha god økonomisk og finansiell kapasitet."
    documentation = "Årsregnskap for de to siste årene."


class TenderDocumentFactory(factory.django.DjangoModelFactory):
    """A stored PDF document. Use the document service in tests of uploading."""

    class Meta:
        model = TenderDocument

    tender = factory.SubFactory(TenderFactory)
    file = factory.LazyFunction(lambda: ContentFile(MINIMAL_PDF, name="document.pdf"))
    original_name = "konkurransegrunnlag.pdf"
    title = "Konkurransegrunnlag"
    content_type = "application/pdf"
    size = len(MINIMAL_PDF)
    sha256 = hashlib.sha256(MINIMAL_PDF).hexdigest()
    uploaded_by = factory.SubFactory(UserFactory)


class AmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amendment

    tender = factory.SubFactory(TenderFactory, published=True)
    number = factory.Sequence(lambda n: n + 1)
    summary = "Tittelen er rettet."
    changes = factory.LazyFunction(
        lambda: {"title": {"before": "Ladestasjoner", "after": "Drift av ladestasjoner"}}
    )
    is_deadline_extension = False
    created_by = factory.SubFactory(UserFactory)


class QuestionFactory(factory.django.DjangoModelFactory):
    """An unanswered question; ``QuestionFactory(answered=True)`` is answered and published."""

    class Meta:
        model = Question

    tender = factory.SubFactory(TenderFactory, published=True)
    asked_by_organisation = factory.SubFactory(SupplierFactory)
    asked_by = factory.SubFactory(UserFactory)
    text = "Kan vi levere alternative løsninger?"

    class Params:
        answered = factory.Trait(
            number=factory.Sequence(lambda n: n + 1),
            published_question="Kan vi levere alternative løsninger?",
            answer="Nei, alternative tilbud tillates ikke.",
            published_at=factory.LazyFunction(timezone.now),
        )


class FollowFactory(factory.django.DjangoModelFactory):
    """A user following a tender (pass ``need=...`` and ``tender=None`` for a need)."""

    class Meta:
        model = Follow

    user = factory.SubFactory(UserFactory)
    tender = factory.SubFactory(TenderFactory, published=True)
    need = None
