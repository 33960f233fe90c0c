"""The tender factories build consistent rows (others' tests rely on them)."""

from __future__ import annotations

import pytest

from tests.factories import (
    AmendmentFactory,
    CriterionFactory,
    FollowFactory,
    LotFactory,
    NeedFactory,
    NeedInvitationFactory,
    NeedResponseFactory,
    QualificationRequirementFactory,
    QuestionFactory,
    TenderDocumentFactory,
    TenderFactory,
    TestArenaFactory,
)

pytestmark = pytest.mark.django_db


def test_a_default_tender_is_a_publishable_draft_of_its_buyers_unit():
    tender = TenderFactory(lots=2)
    assert tender.status == "draft"
    assert tender.unit.organisation == tender.buyer
    assert tender.criteria.get().weight == 100
    assert list(tender.lots.values_list("number", flat=True)) == [1, 2]
    assert tender.question_deadline < tender.submission_deadline


def test_traits_set_status_and_timestamps_together():
    evaluating = TenderFactory(in_evaluation=True)
    assert evaluating.status == "in_evaluation" and evaluating.closed_at
    external = TenderFactory(external=True)
    assert external.buyer is None and external.reference.startswith("DOFFIN-")
    assert not external.criteria.exists()
    assert TenderFactory(cancelled=True).cancellation_reason
    assert TenderFactory(closed=True).closed_at
    assert [c.weight for c in TenderFactory(criteria=[60, 40]).criteria.all()] == [60, 40]


def test_the_other_factories_make_valid_rows():
    need = NeedFactory(open=True, pilot=True)
    assert need.test_arena.owner == need.buyer and need.published_at
    for factory in (
        NeedResponseFactory,
        NeedInvitationFactory,
        FollowFactory,
        AmendmentFactory,
        TenderDocumentFactory,
        QualificationRequirementFactory,
        CriterionFactory,
        LotFactory,
        TestArenaFactory,
    ):
        factory().full_clean()
    answered = QuestionFactory(answered=True)
    assert answered.published_at and answered.number
