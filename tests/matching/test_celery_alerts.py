"""A real Celery worker against this machine's Redis fans out the alerts of a published tender,
delivers them (one notification per search) and e-mails them, all in the worker process."""

from __future__ import annotations

import os
import time

import pytest

from config.celery import app
from marketplace.models import Notification
from matching.models import Alert, AlertFanout
from matching.services.alerts import alert_fanout_enqueue
from matching.services.searches import saved_search_create
from tests.config.test_celery_worker import celery_sends_to, celery_worker
from tests.factories import TenderFactory, cpv_code

pytestmark = pytest.mark.redis

WAIT_SECONDS = 40


def test_a_real_worker_fans_out_and_delivers_alerts_exactly_once(
    transactional_db, tmp_path, supplier, supplier_admin
):
    broker_url = os.environ["REDIS_URL"]
    it = cpv_code("72000000", name_en="IT services")
    code = cpv_code("72212000", name_en="Programming services of application software")
    search = saved_search_create(
        organisation=supplier, by=supplier_admin, name="IT", cpv_codes=[it]
    )
    saved_search_create(organisation=supplier, by=supplier_admin, name="Roads", text="asfalt")
    tender = TenderFactory(published=True, main_cpv=code, title="Ny app for skoleskyss")
    log = tmp_path / "worker.log"

    with celery_sends_to(broker_url) as broker:
        app.control.purge(connection=broker)
        with celery_worker(broker_url=broker_url, log=log) as worker:
            # the receiver's path: an outbox row, the task sent on commit (autocommit here)
            alert_fanout_enqueue(kind="tender", object_id=tender.pk, event="published")
            alert_fanout_enqueue(kind="tender", object_id=tender.pk, event="published")
            deadline = time.monotonic() + WAIT_SECONDS
            notification = None
            while time.monotonic() < deadline and worker.poll() is None:
                notification = Notification.objects.filter(
                    recipient=supplier_admin, kind="search_alerts", emailed_at__isnull=False
                ).first()
                if notification is not None:
                    break
                time.sleep(0.25)

    output = log.read_text()
    assert notification is not None, f"the worker did not deliver the alert:\n{output}"
    assert list(Alert.objects.values_list("saved_search_id", flat=True)) == [search.pk]
    assert Alert.objects.get().notified_at is not None
    assert AlertFanout.objects.get().done_at is not None
    assert Notification.objects.filter(kind="search_alerts").count() == 1
    assert "Ny app for skoleskyss" in notification.subject
    assert "Task matching.fan_out_alerts[" in output
    assert "Task matching.deliver_alerts[" in output
