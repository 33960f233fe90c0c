#!/usr/bin/env python3
"""Alert drill (issue 14 F): one new tender matching N saved searches of N people is in every
inbox and handed to the SMTP server within 10 minutes on one worker, none lost, none twice.

What it does, with the real parts (PostgreSQL, a ``redis-server`` as broker, one
``celery -A config worker`` process with concurrency 1, SMTP over TCP, the product's own
publishing service, fan-out, delivery chain and outbox):

1. creates a scratch PostgreSQL database (``DRILL_DATABASE_URL``, default
   ``postgres://<user>@127.0.0.1:5432/pm_drill_alerts``), migrates it, starts a private
   ``redis-server`` on a free port and a fake SMTP server on loopback (tests/matching/fake_smtp.py)
   that counts connections, messages and recipients;
2. writes N people (every other one reads English) and their saved searches with bulk SQL: each
   has an "IT services" search (CPV 72000000) that matches; every tenth also a word search
   ("app") that matches too (one alert per person all the same), every fifth a road-works search
   that does not; a buyer's draft tender (through the factories);
3. starts the worker (``--pool=solo --concurrency=1``), publishes the tender through
   ``tender_publish`` and waits until every person has their notification and their e-mail, or
   ``--timeout`` has passed, sampling the worker's resident memory every half second.

It prints ``delivered: X/N, duplicates: D, inbox rows: R, time: T s, worker peak RSS: M MB``
(and the fan-out time, alerts, SMTP connections); exit status 0 only when all N arrived once,
in time (``--goal``, 600 s) and within 200 MB; 1 when the product failed; 2 (with a one-line
reason) when the drill could not run. The scratch database and Redis are removed at the end
unless ``--keep`` is given.

Usage: ``python scripts/drill_alerts.py [-n 100000] [--timeout 1200] [--keep]``
(``make drill-alerts N=2000``).
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
from tests.matching.fake_smtp import FakeSmtpServer

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "scripts.drill_alerts_settings"
RSS_GOAL_MB = 200
TITLE = "Ny app for skoleskyss"


def default_database_url() -> str:
    user = os.environ.get("PGUSER") or getpass.getuser()
    return f"postgres://{user}@127.0.0.1:5432/pm_drill_alerts"


def _environment(database_url: str, broker_url: str, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "REDIS_URL": broker_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "ELASTICSEARCH_URL": "",
        "DRILL_SMTP_PORT": str(smtp_port),
    }


def _group_usage(group: int) -> tuple[float, float]:
    """(resident memory of the largest process, processor seconds of all) in the process group
    ``group``: MB and s, read from /proc."""
    largest = 0
    ticks = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            if int(fields[2]) != group:  # pgrp
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
            with open(f"/proc/{entry.name}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        largest = max(largest, int(line.split()[1]))
        except (OSError, IndexError, ValueError):
            continue
    return largest / 1024, ticks / os.sysconf("SC_CLK_TCK")


# --- Data -------------------------------------------------------------------------------------


def _people_and_searches(n: int) -> tuple[int, int]:
    """N people with their searches (bulk SQL) and a draft tender. Returns (tender pk, officer
    pk)."""
    from django.db import connection, transaction

    from marketplace.models import Role
    from tests.factories import (
        MembershipFactory,
        SupplierFactory,
        TenderFactory,
        UserFactory,
        cpv_code,
        municipality,
    )

    it = cpv_code("72000000", name_en="IT services")
    roads = cpv_code("45000000", name_en="Construction work")
    code = cpv_code("72212000", name_en="Programming services of application software")
    baerum = municipality("3201", "Bærum")
    supplier = SupplierFactory(name="Drill Leverandør AS")
    tender = TenderFactory(
        main_cpv=code, title=TITLE, description="Appen skal vise skoleskyss i sanntid."
    )
    tender.municipalities.set([baerum])
    officer = UserFactory(email="innkjoper@drill.test")
    MembershipFactory(
        user=officer, organisation=tender.buyer, role=Role.PROCUREMENT_OFFICER, unit=tender.unit
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO marketplace_user
                (password, is_superuser, email, full_name, language, is_staff, is_active,
                 date_joined)
            SELECT '!', false, 'drill' || g || '@leverandor.test', 'Person' || g || ' Drillesen',
                   CASE WHEN g %% 2 = 0 THEN 'en' ELSE 'nb' END, false, true, now()
              FROM generate_series(1, %s) AS g
            """,
            [n],
        )
        people = "SELECT id FROM marketplace_user WHERE email LIKE 'drill%%@leverandor.test'"
        for name, text, every in (("IT", "", 1), ("Apper", "app", 10), ("Veier", "", 5)):
            cursor.execute(
                f"""
                INSERT INTO matching_savedsearch
                    (name, text, use_profile, smb_lots_only, pilots_only, is_active, created_at,
                     created_by_id, organisation_id)
                SELECT %s || ' ' || p.id, %s, false, false, false, true, now(), p.id, %s
                  FROM ({people}) AS p WHERE p.id %% %s = 0
                """,  # noqa: S608 (constants)
                [name, text, supplier.pk, every],
            )
        for prefix, cpv in (("IT %", it.pk), ("Veier %", roads.pk)):
            cursor.execute(
                """
                INSERT INTO matching_savedsearch_cpv_codes (savedsearch_id, cpvcode_id)
                SELECT id, %s FROM matching_savedsearch WHERE name LIKE %s
                """,
                [cpv, prefix],
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return tender.pk, officer.pk


# --- Counting -----------------------------------------------------------------------------------


def _inbox() -> tuple[int, int]:
    """(search-alert notifications, of which duplicates per person)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT recipient_id) FROM marketplace_notification "
            "WHERE kind = 'search_alerts'"
        )
        total, distinct = cursor.fetchone()
    return total, total - distinct


def _undelivered() -> tuple[int, int]:
    """(alerts not yet told, outbox rows not yet delivered)."""
    from marketplace.models import OutboxMessage
    from matching.models import Alert

    return (
        Alert.objects.filter(notified_at=None).count(),
        OutboxMessage.objects.filter(delivered_at=None).count(),
    )


def run(n: int, timeout: float, goal: float, database_url: str, keep: bool) -> int:
    if n < 10:
        raise DrillError("-n must be at least 10")
    scratch = Path(tempfile.mkdtemp(prefix="drill-alerts-"))
    log = scratch / "worker.log"
    port = free_port()
    broker_url = f"redis://127.0.0.1:{port}/0"
    redis_server = worker = None
    started = time.monotonic()
    with FakeSmtpServer() as smtp:
        env = _environment(database_url, broker_url, smtp.port)
        try:
            print(f"== alert drill: {n} people, broker :{port}, SMTP :{smtp.port}", flush=True)
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
            print(f"  migrated ({time.monotonic() - started:.0f} s)", flush=True)
            redis_server = start_redis_server(port)
            os.environ.update(env)
            import django

            django.setup()
            from marketplace.models import User
            from matching.models import AlertFanout, SavedSearch
            from tenders.models import Tender
            from tenders.services.tenders import tender_publish

            built = time.monotonic()
            tender_pk, officer_pk = _people_and_searches(n)
            print(
                f"  {n} people, {SavedSearch.objects.count()} saved searches written "
                f"({time.monotonic() - built:.1f} s)",
                flush=True,
            )
            worker = start_worker(env, log, pool="solo", concurrency=1)
            time.sleep(3)  # the worker connects to the broker
            if worker.poll() is not None:
                raise DrillError(f"the worker did not start; see {log}")

            peak_rss, cpu_before = _group_usage(worker.pid)
            cpu_used = 0.0
            published = time.monotonic()
            tender_publish(
                tender=Tender.objects.get(pk=tender_pk), by=User.objects.get(pk=officer_pk)
            )
            deadline = published + timeout
            inbox_at = mailed_at = fanout_s = None
            next_report = published + 10
            while time.monotonic() < deadline:
                time.sleep(0.5)
                rss, cpu = _group_usage(worker.pid)
                peak_rss, cpu_used = max(peak_rss, rss), max(cpu_used, cpu - cpu_before)
                now = time.monotonic()
                if fanout_s is None and AlertFanout.objects.filter(done_at__isnull=False).exists():
                    fanout_s = now - published
                rows, _dup = _inbox()
                if inbox_at is None and rows >= n:
                    inbox_at = now - published
                if mailed_at is None and smtp.messages >= n:
                    mailed_at = now - published
                if inbox_at is not None and mailed_at is not None and _undelivered() == (0, 0):
                    break
                if worker.poll() is not None:
                    raise DrillError(f"the worker stopped; see {log}")
                if now >= next_report:
                    print(
                        f"  {now - published:.0f} s: inbox rows {rows}, e-mails {smtp.messages}, "
                        f"worker RSS {peak_rss:.0f} MB (peak)",
                        flush=True,
                    )
                    next_report = now + 10
            time.sleep(2)  # anything sent twice would arrive now
            rss, cpu = _group_usage(worker.pid)
            peak_rss, cpu_used = max(peak_rss, rss), max(cpu_used, cpu - cpu_before)
            stop_process_group(worker, signal.SIGTERM)
            worker = None
            rows, inbox_duplicates = _inbox()
            alerts_left, outbox_left = _undelivered()
            delivered = len(smtp.recipients)
            duplicates = smtp.messages - delivered + inbox_duplicates
            elapsed = max(inbox_at or timeout, mailed_at or timeout)
            alerts = AlertFanout.objects.values_list("alerts_created", flat=True).first() or 0
            print(
                f"  fan-out: {alerts} alerts in {fanout_s or float('nan'):.1f} s; every inbox "
                f"row after {inbox_at or float('nan'):.1f} s; every e-mail after "
                f"{mailed_at or float('nan'):.1f} s; SMTP connections: {smtp.connections}; "
                f"alerts left: {alerts_left}, outbox rows left: {outbox_left}; worker processor "
                f"time {cpu_used:.0f} s ({cpu_used / max(elapsed, 1) * 100:.0f} % of one core, "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
            )
            print(
                f"delivered: {delivered}/{n}, duplicates: {duplicates}, inbox rows: {rows}, "
                f"time: {elapsed:.1f}s, worker peak RSS: {peak_rss:.0f} MB",
                flush=True,
            )
            failures = []
            if delivered != n or rows != n:
                failures.append("not everyone was told")
            if duplicates:
                failures.append("someone was told twice")
            if elapsed > goal:
                failures.append(f"slower than {goal:.0f} s")
            if peak_rss > RSS_GOAL_MB:
                failures.append(f"worker above {RSS_GOAL_MB} MB")
            for failure in failures:
                print(f"FAILED: {failure}", flush=True)
            return 1 if failures else 0
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
    parser.add_argument("-n", type=int, default=100_000, help="people with matching searches")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds to wait at most")
    parser.add_argument("--goal", type=float, default=600, help="seconds allowed (the goal)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the log")
    args = parser.parse_args()
    database_url = os.environ.get("DRILL_DATABASE_URL") or default_database_url()
    try:
        return run(args.n, args.timeout, args.goal, database_url, args.keep)
    except DrillError as error:
        print(f"drill-alerts: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
