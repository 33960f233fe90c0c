"""The embedded default's in-process scheduler: it runs the due jobs with no worker, a failing
job does not stop the others, and it stops when told."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.utils import timezone

from marketplace.scheduler import Scheduler, run_jobs, start_if_enabled
from tenders.models import Tender
from tests.factories import TenderFactory

CLOSE_TENDERS = "tenders.tasks.close_due_tenders"


def test_the_embedded_default_runs_the_lifecycle_jobs(settings):
    assert CLOSE_TENDERS in settings.INPROCESS_SCHEDULER_JOBS
    assert "tenders.tasks.close_due_needs" in settings.INPROCESS_SCHEDULER_JOBS
    assert "cms.tasks.publish_scheduled" in settings.INPROCESS_SCHEDULER_JOBS


@pytest.mark.django_db(transaction=True)
def test_a_tick_closes_what_is_due_and_a_failing_job_does_not_stop_the_rest(caplog):
    due = TenderFactory(
        published=True,
        question_deadline=timezone.now() - datetime.timedelta(days=2),
        submission_deadline=timezone.now() - datetime.timedelta(seconds=5),
    )

    results = run_jobs(["tests.marketplace.test_scheduler.broken_job", CLOSE_TENDERS])

    assert isinstance(results["tests.marketplace.test_scheduler.broken_job"], RuntimeError)
    assert results[CLOSE_TENDERS] == [due.reference]
    due.refresh_from_db()
    assert due.status == Tender.Status.CLOSED
    assert "broken_job failed" in caplog.text
    assert run_jobs([CLOSE_TENDERS]) == {CLOSE_TENDERS: []}  # idempotent


def broken_job():
    raise RuntimeError("the job broke")


def test_the_thread_ticks_at_once_and_then_every_interval_until_stopped():
    ticks = []
    twice = threading.Event()

    def record(paths):
        ticks.append(paths)
        if len(ticks) >= 2:
            twice.set()

    scheduler = Scheduler(["a.job"], 0.01, run=record).start()
    assert twice.wait(5)
    scheduler.stop(timeout=5)
    stopped_at = len(ticks)

    assert ticks[0] == ("a.job",)
    assert not scheduler._thread.is_alive()
    assert len(ticks) == stopped_at


def test_it_starts_only_when_the_settings_ask(settings):
    settings.INPROCESS_SCHEDULER = False
    assert start_if_enabled() is None

    settings.INPROCESS_SCHEDULER = True
    settings.INPROCESS_SCHEDULER_JOBS = []
    settings.INPROCESS_SCHEDULER_INTERVAL = 3600
    scheduler = start_if_enabled()
    try:
        assert scheduler is not None and scheduler._thread.daemon
    finally:
        scheduler.stop(timeout=5)
