"""Domain events: sent after the tender's change commits, never for a rolled-back change."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from marketplace.errors import DomainError, InvalidTransition
from tenders import domain_events
from tenders.models import Tender
from tenders.services import closing
from tenders.services import tenders as services

S = Tender.Status


@pytest.fixture
def received():
    calls: list[dict] = []

    def receiver(sender, signal, **kwargs):
        calls.append(kwargs)

    domain_events.tender_changed.connect(receiver, dispatch_uid="test-receiver")
    yield calls
    domain_events.tender_changed.disconnect(dispatch_uid="test-receiver")


def test_publishing_sends_one_event_after_commit(
    draft, procurement_officer, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.tender_publish(tender=draft, by=procurement_officer)
        assert received == []  # not before the commit
    assert received == [{"tender_id": draft.pk, "event": "published", "version": 1}]


def test_a_rolled_back_change_sends_nothing(
    draft, procurement_officer, received, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.tender_publish(tender=draft, by=procurement_officer)
        raise RuntimeError("the request failed later")
    assert callbacks == []
    assert received == []


def test_a_failing_receiver_is_logged_and_does_not_stop_the_others(
    draft, procurement_officer, received, django_capture_on_commit_callbacks, caplog
):
    def broken(sender, **kwargs):
        raise ValueError("index down")

    domain_events.tender_changed.connect(broken, dispatch_uid="broken-receiver")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.tender_publish(tender=draft, by=procurement_officer)
    finally:
        domain_events.tender_changed.disconnect(dispatch_uid="broken-receiver")
    assert [call["event"] for call in received] == ["published"]
    assert "failed" in caplog.text and "index down" in caplog.text


def test_unknown_events_are_a_programming_error(draft):
    with pytest.raises(ValueError, match="unknown tender event"):
        domain_events.tender_event_on_commit(draft, "exploded")


def test_award_and_its_withdrawal_follow_the_lifecycle(
    published, procurement_officer, received, django_capture_on_commit_callbacks
):
    later = published.submission_deadline + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        closing.tender_close(tender=published, now=later)
        services.tender_start_evaluation(tender=published, by=procurement_officer)
        services.tender_mark_awarded(tender=published, by=procurement_officer)
    published.refresh_from_db()
    assert published.status == S.AWARDED and published.awarded_at is not None
    with pytest.raises(DomainError) as refused:
        services.tender_withdraw_award(tender=published, by=procurement_officer, reason="  ")
    assert refused.value.code == "tender_withdraw_award_reason"
    with django_capture_on_commit_callbacks(execute=True):
        services.tender_withdraw_award(
            tender=published, by=procurement_officer, reason="Wrong lot ranked first"
        )
    published.refresh_from_db()
    assert published.status == S.IN_EVALUATION and published.awarded_at is None
    assert [call["event"] for call in received] == [
        "closed",
        "evaluation_started",
        "awarded",
        "award_withdrawn",
    ]
    with pytest.raises(InvalidTransition):
        services.tender_withdraw_award(tender=published, by=procurement_officer, reason="again")


def test_opens_at_is_never_before_the_deadline(published):
    deadline = published.submission_deadline
    assert published.opens_at == deadline
    published.opening_at = deadline - datetime.timedelta(days=1)
    assert published.opens_at == deadline
    published.opening_at = deadline + datetime.timedelta(hours=2)
    assert published.opens_at == deadline + datetime.timedelta(hours=2)
    assert timezone.is_aware(published.opens_at)
