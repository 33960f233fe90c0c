#!/usr/bin/env python3
"""Worker-kill drill (issue 13 §4): kill -9 the Celery worker in the middle of delivering N alert
e-mails, start it again, and count what arrived: every e-mail exactly once.

What it does, with the real parts (PostgreSQL, a ``redis-server`` as broker, ``celery -A config
worker`` subprocesses, the product's own ``notify()`` and outbox):

1. creates a scratch PostgreSQL database (``DRILL_DATABASE_URL``, default
   ``postgres://<user>@127.0.0.1:5432/pm_drill_worker_kill``), migrates it, and starts a private
   ``redis-server`` on a free port (no persistence) as the broker;
2. stores N search-alert notifications for one person through ``notify()`` in one transaction:
   N outbox rows, each sent to the broker when the transaction commits;
3. starts a worker (prefork, 2 processes) and, once about a third of the e-mails are out, kills
   its whole process group with SIGKILL: the tasks it held are neither acknowledged nor done;
4. starts a worker again and runs the outbox sweeper every few seconds, as Celery beat would,
   until all N are out or ``--timeout`` (600 s) has passed.

E-mail leaves through a recording backend at the edge (``RecordingEmailBackend``): it writes
each message into a table in the same database transaction as the outbox row's "delivered"
mark, as an SMTP relay that deduplicates on a delivery key would. It prints
``delivered: X/N, duplicates: Y`` and the time; exit status 0 only for N/N and 0 duplicates,
1 when the product failed, 2 (with a one-line reason) when the drill could not run. The scratch
database and the Redis server are removed at the end unless ``--keep`` is given.

Usage: ``python scripts/drill_worker_kill.py [-n 1000] [--timeout 600] [--keep]``
(``make drill-worker-kill N=1000``).
"""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script or a module
from scripts.drill_support import (
    DrillError,
    clean_up,
    free_port,
    recreate_database,
    start_redis_server,
    start_worker,
    stop_process_group,
)

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "scripts.drill_worker_kill_settings"
TABLE = "drill_sent_mail"


class RecordingEmailBackend(BaseEmailBackend):
    """The edge: one row per e-mail in ``drill_sent_mail``, in the caller's transaction."""

    def send_messages(self, email_messages) -> int:
        from django.db import connection

        with connection.cursor() as cursor:
            for message in email_messages:
                cursor.execute(
                    f"INSERT INTO {TABLE} (recipient, subject) VALUES (%s, %s)",  # noqa: S608 (a constant)
                    [",".join(message.to), message.subject],
                )
        return len(email_messages)


# --- Places -----------------------------------------------------------------------------------


def default_database_url() -> str:
    user = os.environ.get("PGUSER") or getpass.getuser()
    return f"postgres://{user}@127.0.0.1:5432/pm_drill_worker_kill"


def _environment(database_url: str, broker_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "REDIS_URL": broker_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # Short, so a killed worker's unacknowledged tasks come back within the drill.
        "CELERY_VISIBILITY_TIMEOUT": "15",
        "OUTBOX_SWEEP_AFTER_SECONDS": "20",
    }


# --- The drill --------------------------------------------------------------------------------


def _counts() -> tuple[int, int]:
    """(distinct e-mails delivered, duplicates)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), count(DISTINCT subject) FROM {TABLE}")  # noqa: S608
        total, distinct = cursor.fetchone()
    return distinct, total - distinct


def _enqueue(n: int) -> None:
    from django.db import connection, transaction

    from marketplace.models import NotificationKind, User
    from marketplace.services.notifications import notify

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {TABLE} (id bigserial PRIMARY KEY, recipient text NOT NULL, "
            "subject text NOT NULL, sent_at timestamptz NOT NULL DEFAULT now())"
        )
    person = User.objects.create_user(email="drill-alerts@example.test", language="en")
    with transaction.atomic():  # N outbox rows; each is sent to the broker on commit
        for number in range(1, n + 1):
            notify(
                recipient=person,
                kind=NotificationKind.SEARCH_ALERTS,
                key=f"drill:alert:{number}",
                template="matching/notifications/alert",
                context={
                    "title": f"Drill tender {number:05d}",
                    "search": "Drill",
                    "kind": "tender",
                },
                url=f"/drill/{number}/",
            )


def run(n: int, timeout: float, database_url: str, keep: bool) -> int:
    if n < 10:
        raise DrillError("-n must be at least 10")
    scratch = Path(tempfile.mkdtemp(prefix="drill-worker-kill-"))
    log = scratch / "worker.log"
    port = free_port()
    broker_url = f"redis://127.0.0.1:{port}/0"
    env = _environment(database_url, broker_url)
    redis_server = worker = None
    started = time.monotonic()
    try:
        print(f"== worker-kill drill: {n} alert e-mails, broker redis-server :{port}", flush=True)
        recreate_database(database_url)
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if migrate.returncode != 0:
            last = (migrate.stderr.strip().splitlines() or ["no output"])[-1]
            raise DrillError(f"migrate failed: {last}")
        redis_server = start_redis_server(port)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from marketplace.models import OutboxMessage
        from marketplace.outbox import outbox_sweep

        _enqueue(n)
        print(f"  enqueued {n} outbox rows and tasks ({time.monotonic() - started:.1f} s)")

        worker = start_worker(env, log, pool="prefork", concurrency=2)
        kill_at = max(1, n // 3)
        deadline = time.monotonic() + timeout
        while _counts()[0] < kill_at:
            if time.monotonic() > deadline or worker.poll() is not None:
                raise DrillError(f"the first worker delivered too little; see {log}")
            time.sleep(0.02)
        stop_process_group(worker, signal.SIGKILL)
        at_kill = _counts()[0]
        print(f"  kill -9 the worker after {at_kill}/{n} e-mails")
        if at_kill >= n:
            raise DrillError("everything was delivered before the kill; use a larger -n")

        restarted = time.monotonic()
        worker = start_worker(env, log, pool="prefork", concurrency=2)
        next_sweep = time.monotonic() + 5
        while True:
            delivered, duplicates = _counts()
            if delivered >= n or time.monotonic() > deadline:
                break
            if time.monotonic() >= next_sweep:
                outbox_sweep()  # what Celery beat's "outbox-sweep" does every minute
                next_sweep = time.monotonic() + 5
            time.sleep(0.2)
        elapsed = time.monotonic() - restarted
        stop_process_group(worker, signal.SIGTERM)
        worker = None
        delivered, duplicates = _counts()
        pending = OutboxMessage.objects.filter(delivered_at=None).count()
        print(
            f"  after the restart: {elapsed:.1f} s to finish; outbox rows still pending: {pending}"
        )
        print(f"delivered: {delivered}/{n}, duplicates: {duplicates}", flush=True)
        return 0 if delivered == n and duplicates == 0 else 1
    finally:
        if worker is not None:
            stop_process_group(worker, signal.SIGKILL)
        clean_up(
            redis_server=redis_server,
            database_url=database_url,
            scratch=scratch,
            keep=keep,
            log=log,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="alert e-mails to deliver")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed in all")
    parser.add_argument("--keep", action="store_true", help="keep the database and the log")
    args = parser.parse_args()
    database_url = os.environ.get("DRILL_DATABASE_URL") or default_database_url()
    try:
        return run(args.n, args.timeout, database_url, args.keep)
    except DrillError as error:
        print(f"drill-worker-kill: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
