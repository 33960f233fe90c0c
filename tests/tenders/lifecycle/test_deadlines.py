"""One answer to "is it still open?": the deadline rule, the effective status and its query
half agree, at the deadline's very instant and without a deadline."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tenders import lifecycle
from tenders.models import Need, Tender
from tests.factories import NeedFactory, TenderFactory

NOW = datetime.datetime(2026, 11, 2, 11, 0, tzinfo=datetime.UTC)
S = Tender.Status


@pytest.mark.parametrize(
    ("deadline", "passed"),
    [
        (None, False),
        (NOW + datetime.timedelta(microseconds=1), False),
        (NOW, True),  # from its very instant on, as the bid services have always refused
        (NOW - datetime.timedelta(seconds=1), True),
    ],
)
def test_a_deadline_passes_at_its_instant_and_never_when_unset(deadline, passed):
    assert lifecycle.deadline_passed(deadline, NOW) is passed


@pytest.mark.parametrize(
    ("status", "deadline", "expected"),
    [
        (S.PUBLISHED, NOW + datetime.timedelta(hours=1), S.PUBLISHED),
        (S.PUBLISHED, NOW, S.CLOSED),
        (S.PUBLISHED, None, S.PUBLISHED),
        (S.CLOSED, NOW - datetime.timedelta(days=1), S.CLOSED),
        (S.IN_EVALUATION, NOW - datetime.timedelta(days=1), S.IN_EVALUATION),
        (S.CANCELLED, NOW - datetime.timedelta(days=1), S.CANCELLED),
        (S.DRAFT, NOW - datetime.timedelta(days=1), S.DRAFT),
    ],
)
def test_the_clock_decides_the_status_every_reader_sees(status, deadline, expected):
    tender = TenderFactory.build(status=status, submission_deadline=deadline)

    assert lifecycle.effective_status(tender, NOW) == expected
    assert lifecycle.is_open_for_bids(tender, NOW) is (expected == S.PUBLISHED)


def test_questions_stop_at_the_question_deadline_before_the_bids_do():
    tender = TenderFactory.build(
        status=S.PUBLISHED,
        question_deadline=NOW,
        submission_deadline=NOW + datetime.timedelta(days=7),
    )

    assert lifecycle.is_open_for_bids(tender, NOW)
    assert not lifecycle.is_open_for_questions(tender, NOW)
    assert lifecycle.is_open_for_questions(tender, NOW - datetime.timedelta(seconds=1))


@pytest.mark.django_db
def test_the_query_half_picks_the_same_tenders_as_the_python_half():
    # given tenders in every status, one published past its deadline (the close has not run)
    now = timezone.now()
    tenders = [
        TenderFactory(published=True),
        TenderFactory(
            published=True,
            submission_deadline=now - datetime.timedelta(minutes=1),
            question_deadline=now - datetime.timedelta(days=1),
        ),
        TenderFactory(closed=True),
        TenderFactory(in_evaluation=True),
        TenderFactory(cancelled=True),
        TenderFactory(),
        TenderFactory(external=True, submission_deadline=None, question_deadline=None),
    ]
    for wanted in [{S.PUBLISHED}, {S.CLOSED}, {S.CLOSED, S.IN_EVALUATION}, {S.CANCELLED}]:
        # when the database is asked
        found = set(
            Tender.objects.filter(lifecycle.effective_status_q(wanted, now)).values_list(
                "pk", flat=True
            )
        )
        # then it agrees with effective_status, tender by tender
        expected = {t.pk for t in tenders if lifecycle.effective_status(t, now) in wanted}
        assert found == expected, wanted
    assert tenders[1].pk in set(
        Tender.objects.filter(lifecycle.due_to_close_q(now)).values_list("pk", flat=True)
    )


def test_a_need_past_its_dialogue_deadline_is_closed_for_every_reader():
    open_need = NeedFactory.build(status=Need.Status.OPEN, dialogue_deadline=NOW)
    later = NeedFactory.build(
        status=Need.Status.OPEN, dialogue_deadline=NOW + datetime.timedelta(days=1)
    )

    assert lifecycle.need_effective_status(open_need, NOW) == Need.Status.CLOSED
    assert not lifecycle.need_is_open(open_need, NOW)
    assert lifecycle.need_effective_status(later, NOW) == Need.Status.OPEN
    assert lifecycle.need_is_open(later, NOW)


@pytest.mark.django_db
def test_the_public_needs_list_files_a_need_past_its_deadline_under_closed():
    from tenders.selectors.needs import public_needs

    now = timezone.now()
    passed = NeedFactory(open=True, dialogue_deadline=now - datetime.timedelta(minutes=1))
    running = NeedFactory(open=True, dialogue_deadline=now + datetime.timedelta(days=3))

    assert [n.pk for n in public_needs(status="open")] == [running.pk]
    assert [n.pk for n in public_needs(status="closed")] == [passed.pk]
    assert [n.pk for n in public_needs()] == [running.pk, passed.pk]  # open ones first
