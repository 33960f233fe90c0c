"""A real Celery worker, started as a subprocess against this machine's Redis, runs a task and its
effect shows up in the test database. This is the one test of the Celery wiring end to end:
config/celery.py, the Redis broker from REDIS_URL, the default queue and task autodiscovery.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from config.celery import app
from marketplace.tasks import send_notification_email
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.redis

WAIT_SECONDS = 30


def database_url_of_this_run() -> str:
    """The database this test process uses (pytest-django renamed it), as a DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        # config/settings/test.py puts the SQLite test database in a file for this test.
        assert Path(db["NAME"]).is_absolute(), f"an in-memory SQLite database: {db['NAME']}"
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = quote(db["HOST"] or "", safe="")  # a socket directory is written %2F...
        port = f":{db['PORT']}" if db["PORT"] else ""
        return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{quote(db['NAME'])}"
    raise AssertionError(f"no DATABASE_URL recipe for {connection.vendor}")


@contextmanager
def celery_sends_to(broker_url: str):
    """Make this process send tasks to the broker instead of running them in-process."""
    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, broker_url
    try:
        with app.connection_for_write(broker_url) as broker:
            yield broker
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved


@contextmanager
def celery_worker(*, broker_url: str, log: Path):
    celery = Path(sys.executable).parent / "celery"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_of_this_run(),
        "REDIS_URL": broker_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # config/settings/test.py keeps mail in the worker's memory; never the console.
        "EMAIL_URL": "dummymail://",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    command = [
        str(celery),
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        settings.CELERY_TASK_DEFAULT_QUEUE,
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "-l",
        "info",
        "-n",
        f"test-worker-{os.getpid()}@%h",
    ]
    with log.open("w") as output:
        worker = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            yield worker
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)


def test_a_real_worker_sends_the_email_and_marks_it_in_the_database(transactional_db, tmp_path):
    broker_url = os.environ["REDIS_URL"]
    notification = NotificationFactory()
    log = tmp_path / "worker.log"

    with celery_sends_to(broker_url) as broker:
        app.control.purge(connection=broker)  # nothing left over from an earlier run
        with celery_worker(broker_url=broker_url, log=log) as worker:
            result = send_notification_email.apply_async(args=[notification.pk], connection=broker)
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline and worker.poll() is None:
                notification.refresh_from_db()
                if notification.emailed_at is not None:
                    break
                time.sleep(0.25)

    output = log.read_text()
    assert notification.emailed_at is not None, f"the worker did not send it:\n{output}"
    assert f"Task marketplace.tasks.send_notification_email[{result.id}] succeeded" in output
    assert mail.outbox == []  # sent by the worker, not in this process
