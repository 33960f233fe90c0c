"""Needs close by themselves when their dialogue deadline passes (a periodic task), once,
audited, with their followers told."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from marketplace.models import AuditEvent, Notification
from tenders.models import Need
from tenders.services.needs import needs_close_due
from tenders.tasks import close_due_needs
from tests.factories import FollowFactory, NeedFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 11, 0, tzinfo=datetime.UTC)


def _need(buyer, unit, *, deadline, **kwargs) -> Need:
    return NeedFactory(
        buyer=buyer,
        unit=unit,
        open=True,
        published_at=NOW - datetime.timedelta(days=30),
        dialogue_deadline=deadline,
        **kwargs,
    )


def test_closes_open_needs_whose_deadline_has_passed_and_no_others(buyer, buyer_unit):
    passed = _need(buyer, buyer_unit, deadline=NOW - datetime.timedelta(hours=1), slug="passed")
    exactly = _need(buyer, buyer_unit, deadline=NOW, slug="exactly")
    later = _need(buyer, buyer_unit, deadline=NOW + datetime.timedelta(seconds=1), slug="later")
    no_deadline = _need(buyer, buyer_unit, deadline=None, slug="no-deadline")
    draft = NeedFactory(buyer=buyer, unit=buyer_unit, dialogue_deadline=NOW - datetime.timedelta(1))

    closed = needs_close_due(now=NOW)

    assert closed == ["passed", "exactly"]
    for need in (passed, exactly):
        need.refresh_from_db()
        assert need.status == Need.Status.CLOSED
        assert need.closed_at == NOW
    for need, status in ((later, "open"), (no_deadline, "open"), (draft, "draft")):
        need.refresh_from_db()
        assert need.status == status and need.closed_at is None


def test_closing_is_audited_as_the_system(buyer, buyer_unit):
    need = _need(buyer, buyer_unit, deadline=NOW - datetime.timedelta(minutes=1))

    needs_close_due(now=NOW)

    event = AuditEvent.objects.get(action="need.closed", object_id=str(need.pk))
    assert event.actor is None
    assert event.before == {"status": "open"}
    assert event.after == {"status": "closed", "reason": "dialogue_deadline_passed"}
    assert event.organisation_id == buyer.pk


def test_followers_are_told_once(buyer, buyer_unit, django_capture_on_commit_callbacks):
    need = _need(
        buyer, buyer_unit, deadline=NOW - datetime.timedelta(minutes=1), title="Skoleskyss"
    )
    follower = FollowFactory(need=need, tender=None, user=UserFactory(language="en")).user

    with django_capture_on_commit_callbacks(execute=True):
        needs_close_due(now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        needs_close_due(now=NOW + datetime.timedelta(minutes=1))

    note = Notification.objects.get(recipient=follower)
    assert note.subject == "Dialogue closed: Skoleskyss"
    assert note.url == f"/behov/{need.slug}/"


def test_running_again_closes_nothing_more(buyer, buyer_unit):
    _need(buyer, buyer_unit, deadline=NOW - datetime.timedelta(minutes=1), slug="due")

    first = needs_close_due(now=NOW)
    second = needs_close_due(now=NOW + datetime.timedelta(minutes=1))

    assert first == ["due"] and second == []
    assert AuditEvent.objects.filter(action="need.closed").count() == 1


def test_a_need_the_buyer_already_closed_is_left_alone(buyer, buyer_unit, procurement_officer):
    from tenders.services.needs import need_close

    need = _need(buyer, buyer_unit, deadline=NOW - datetime.timedelta(minutes=1))
    need_close(need=need, by=procurement_officer)
    need.refresh_from_db()
    closed_at = need.closed_at

    assert needs_close_due(now=NOW) == []
    need.refresh_from_db()
    assert need.closed_at == closed_at
    assert AuditEvent.objects.filter(action="need.closed").count() == 1


def test_the_periodic_task_closes_due_needs(buyer, buyer_unit):
    need = _need(buyer, buyer_unit, deadline=timezone.now() - datetime.timedelta(minutes=5))

    result = close_due_needs.delay().get()

    assert result == [need.slug]
    need.refresh_from_db()
    assert need.status == Need.Status.CLOSED


def test_the_task_is_scheduled_next_to_the_tenders_close():
    entry = settings.CELERY_BEAT_SCHEDULE["needs-close-due"]

    assert entry["task"] == close_due_needs.name == "tenders.close_due_needs"
    assert "tenders-close-due" in settings.CELERY_BEAT_SCHEDULE
