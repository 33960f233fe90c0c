#!/usr/bin/env python3
"""Deadline-day drill (issue 13 §2): on time means accepted, also when fifty arrive at once.

What it does, end to end, with nothing faked:

1. drops and recreates a scratch PostgreSQL database (``DRILL_DATABASE_URL``, default
   ``postgres://root@127.0.0.1:5432/pm_drill_deadline``), migrates it and collects the static
   files, all under ``config.settings.production`` with throwaway secrets;
2. makes one published tender and N suppliers, each with a complete draft bid, through the test
   factories (which call the real services), and one logged-in session per supplier;
3. starts gunicorn from ``gunicorn.conf.py`` (gthread, several workers) on a free port of
   127.0.0.1 and warms every worker with GET requests;
4. moves the tender's deadline a few seconds ahead and fires the N submissions over HTTP, one
   thread each, spread evenly over the last 2 s before the deadline and the first 0.5 s after;
5. classifies each by the client's clock: sent before the deadline (the whole request written to
   the socket) or at/after it, and prints ``on time: A/A accepted, late: B/B refused``.

Accepted means the redirect to the receipt (302); refused means 409 with the deadline message.
The drill exits 1 when any on-time submission was not accepted, any late one not refused, or
the database disagrees with the answers; 2 (with a one-line reason) when it could not run.
gunicorn is always stopped; only 127.0.0.1 is used. The database is dropped at the end
unless ``--keep`` is given.

Usage: ``python scripts/drill_deadline.py [--suppliers N] [--workers W] [--threads T] [--keep]``
(``make drill-deadline N=12``).
"""

from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import http.client
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script or a module
from scripts.drill_support import DrillError, database_name, free_port, pg_admin

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgres://root@127.0.0.1:5432/pm_drill_deadline"
BEFORE = 2.0  # seconds before the deadline over which submissions are spread
AFTER = 0.5  # ... and after it
LEAD = 2.0  # seconds between setting the deadline and the first submission
READY_TIMEOUT = 60.0  # seconds gunicorn may take to answer /healthz
RESPONSE_TIMEOUT = 60.0  # seconds one submission may take


@dataclass
class Supplier:
    bid_pk: int
    path: str
    cookie: str
    csrf: str


@dataclass
class Shot:
    supplier: Supplier
    planned: float
    sent: float = 0.0  # client clock when the whole request had been written
    answered: float = 0.0
    status: int = 0
    location: str = ""
    error: str = ""


# --- Environment and database ---------------------------------------------------------------


def drill_environment(database_url: str, scratch: Path) -> dict[str, str]:
    """Production settings with throwaway secrets; no broker (tasks run in-process)."""
    kek = base64.urlsafe_b64encode(os.urandom(32)).decode()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BROKER_URL", "ELASTICSEARCH_URL", "SEARCH_BACKEND"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        BID_KEYS=f"k1:{kek}",
        STATIC_ROOT=str(ROOT / "var" / "drill-static"),
        MEDIA_ROOT=str(scratch / "media"),
        PRIVATE_MEDIA_ROOT=str(scratch / "private"),
        EMAIL_URL="consolemail://",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if os.environ.get("DRILL_REDIS_URL"):
        env["REDIS_URL"] = os.environ["DRILL_REDIS_URL"]
    return env


def migrations_fingerprint() -> str:
    """A digest of every migration file: a migrated copy is reused only while it matches."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def recreate_database(database_url: str, env: dict[str, str] | None = None) -> None:
    """Drop the drill's database; with ``env``, create it again, migrated.

    Migrating takes minutes on a busy machine, so outside CI the first run keeps a migrated copy
    as ``<name>_tpl_<fingerprint>`` and later runs clone it (CREATE DATABASE ... TEMPLATE). CI
    (``CI=true``) migrates afresh and keeps nothing.
    """
    from psycopg import sql

    name = database_name(database_url)
    admin = pg_admin(database_url)
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
    with admin:
        admin.execute(drop.format(sql.Identifier(name)))
        if env is None:
            return
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            manage(env, "migrate")
            return
        template = f"{name}_tpl_{migrations_fingerprint()}"
        existing = [
            row[0]
            for row in admin.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{name}_tpl_%"]
            )
        ]
        for stale in set(existing) - {template}:
            admin.execute(drop.format(sql.Identifier(stale)))
        if template not in existing:
            building = f"{name}_building"  # renamed only once migrated: no half-done template
            admin.execute(drop.format(sql.Identifier(building)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
            manage(env | {"DATABASE_URL": _with_name(database_url, building)}, "migrate")
            rename = sql.SQL("ALTER DATABASE {} RENAME TO {}")
            admin.execute(rename.format(sql.Identifier(building), sql.Identifier(template)))
        create = sql.SQL("CREATE DATABASE {} TEMPLATE {}")
        admin.execute(create.format(sql.Identifier(name), sql.Identifier(template)))


def _with_name(database_url: str, name: str) -> str:
    return urlsplit(database_url)._replace(path=f"/{name}").geturl()


def collect_static(env: dict[str, str]) -> None:
    """collectstatic into var/drill-static, again only when a static file is newer."""
    manifest = Path(env["STATIC_ROOT"]) / "staticfiles.json"
    sources = [path for path in (ROOT / "static").rglob("*") if path.is_file()]
    newest = max((path.stat().st_mtime for path in sources), default=0)
    if manifest.exists() and manifest.stat().st_mtime > newest:
        return
    manage(env, "collectstatic")


def manage(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args, "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise DrillError(f"manage.py {' '.join(args)} failed: {last}")


# --- Data: a tender, N suppliers with complete drafts, one session each ---------------------


def prepare(count: int) -> tuple[int, list[Supplier]]:
    """The tender's pk and the suppliers (made through the factories and the real services)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from tests.factories.bids import draft_bid, supplier_member, tender_ready_for_bids

    tender = tender_ready_for_bids(lots=1, requirements=1)
    suppliers = []
    for number in range(count):
        user = supplier_member(email=f"drill{number}@leverandor.test")
        bid = draft_bid(tender=tender, by=user)
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        csrf = secrets.token_hex(16)  # an unmasked 32-character CSRF secret
        suppliers.append(
            Supplier(
                bid_pk=bid.pk,
                path=reverse("bids:supplier_submit", kwargs={"public_id": bid.public_id}),
                cookie=f"{settings.SESSION_COOKIE_NAME}={session}; "
                f"{settings.CSRF_COOKIE_NAME}={csrf}",
                csrf=csrf,
            )
        )
    return tender.pk, suppliers


def set_deadline(tender_pk: int, deadline: datetime.datetime) -> None:
    from tenders.models import Tender

    Tender.objects.filter(pk=tender_pk).update(
        submission_deadline=deadline, question_deadline=deadline - datetime.timedelta(days=1)
    )


# --- gunicorn ---------------------------------------------------------------------------------


def start_gunicorn(env, *, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    server_env = dict(env)
    server_env.update(
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY=str(workers),
        GUNICORN_THREADS=str(threads),
        GUNICORN_LOG_LEVEL="warning",
    )
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603 (the project's own gunicorn and settings)
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=server_env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # the group we started for it
        server.wait(timeout=10)


def _headers(port: int, supplier: Supplier | None = None) -> dict[str, str]:
    origin = f"https://127.0.0.1:{port}"
    headers = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https"}  # as the proxy says
    if supplier is not None:
        headers |= {
            "Cookie": supplier.cookie,
            "Origin": origin,
            "Referer": origin + supplier.path,
        }
    return headers


def get(port: int, path: str, supplier: Supplier | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=RESPONSE_TIMEOUT)
    try:
        connection.request("GET", path, headers=_headers(port, supplier))
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_ready(server: subprocess.Popen, port: int, log: Path) -> None:
    give_up = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < give_up:
        if server.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["(no output)"]
            raise DrillError(f"gunicorn exited with {server.returncode}: {tail[0]}")
        try:
            if get(port, "/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise DrillError(f"gunicorn did not answer /healthz within {READY_TIMEOUT:.0f} s")


def warm_up(port: int, suppliers: list[Supplier]) -> None:
    """GET submit pages, 8 at a time, so that every worker has imported the views and
    templates once, as a server that has been up for a while has."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        work = suppliers * 2
        for supplier, status in zip(
            work, pool.map(lambda s: get(port, s.path, s), work), strict=True
        ):
            if status != 200:
                raise DrillError(f"warming up: GET {supplier.path} answered {status}, not 200")


# --- The submissions ----------------------------------------------------------------------


def plan(suppliers: list[Supplier], deadline: float, guard: float) -> list[Shot]:
    """Evenly over the last BEFORE seconds up to ``guard`` before the deadline, and evenly over
    the first AFTER seconds from it, in proportion. A request sent closer to the deadline than
    ``guard`` is judged by when the server had it, a few milliseconds later, which no client
    clock can tell."""
    count = len(suppliers)
    before = max(1, min(count - 1, round(count * BEFORE / (BEFORE + AFTER))))
    after = count - before
    step = (BEFORE - guard) / before
    times = [deadline - BEFORE + step * (i + 0.5) for i in range(before)]
    times += [deadline + AFTER / after * (i + 0.5) for i in range(after)]
    return [Shot(supplier, at) for supplier, at in zip(suppliers, times, strict=True)]


def shoot(port: int, shot: Shot) -> None:
    body = f"csrfmiddlewaretoken={shot.supplier.csrf}".encode()
    headers = _headers(port, shot.supplier) | {
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": str(len(body)),
    }
    delay = shot.planned - time.time()
    if delay > 0:
        time.sleep(delay)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=RESPONSE_TIMEOUT)
    try:
        connection.request("POST", shot.supplier.path, body=body, headers=headers)
        shot.sent = time.time()
        response = connection.getresponse()
        response.read()
        shot.answered = time.time()
        shot.status = response.status
        shot.location = response.getheader("Location", "")
    except OSError as exc:
        shot.answered = time.time()
        shot.error = f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()


def fire(port: int, shots: list[Shot]) -> None:
    threads = [threading.Thread(target=shoot, args=(port, shot), daemon=True) for shot in shots]
    for thread in threads:
        thread.start()
    last = max(shot.planned for shot in shots)
    for thread in threads:
        thread.join(timeout=max(0.0, last - time.time()) + RESPONSE_TIMEOUT + 5)


# --- Verdict ----------------------------------------------------------------------------------


def verdict(shots: list[Shot], deadline: float) -> tuple[str, list[str]]:
    """The summary line and every problem found (none: the drill passes)."""
    from bids.models import Bid

    on_time = [shot for shot in shots if shot.sent and shot.sent < deadline]
    late = [shot for shot in shots if shot not in on_time]
    accepted = [shot for shot in on_time if shot.status == 302 and "kvittering" in shot.location]
    refused = [shot for shot in late if shot.status == 409]
    problems = [
        f"sent {shot.sent - deadline:+.3f} s: {shot.status or shot.error} "
        f"({'on time' if shot in on_time else 'late'})"
        for shot in sorted(shots, key=lambda s: s.sent or s.planned)
        if shot not in accepted and shot not in refused
    ]
    submitted = Bid.objects.filter(
        pk__in=[shot.supplier.bid_pk for shot in shots], status=Bid.Status.SUBMITTED
    )
    expected = {shot.supplier.bid_pk for shot in accepted}
    found = set(submitted.values_list("pk", flat=True))
    if found != expected:
        problems.append(
            f"the database holds {len(found)} submitted bids; {len(expected)} were answered as "
            "accepted"
        )
    after = submitted.filter(
        submitted_at__gte=datetime.datetime.fromtimestamp(deadline, tz=datetime.UTC)
    ).count()
    if after:
        problems.append(f"{after} bids were stamped at or after the deadline")
    line = (
        f"on time: {len(accepted)}/{len(on_time)} accepted, "
        f"late: {len(refused)}/{len(late)} refused"
    )
    return line, problems


def figures(shots: list[Shot], deadline: float) -> str:
    """Response times, and how long after the client had sent the server stamped the receipt."""
    from bids.models import Bid

    answered = [shot.answered - shot.sent for shot in shots if shot.sent and shot.answered]
    stamps = dict(
        Bid.objects.filter(
            pk__in=[s.supplier.bid_pk for s in shots], submitted_at__isnull=False
        ).values_list("pk", "submitted_at")
    )
    lags = [
        stamps[shot.supplier.bid_pk].timestamp() - shot.sent
        for shot in shots
        if shot.sent and shot.supplier.bid_pk in stamps
    ]
    median = 1000 * statistics.median(answered) if answered else 0
    text = f"response ms: median {median:.0f}, max {1000 * max(answered, default=0):.0f}"
    if lags:
        text += (
            f"; receipt stamp after send ms: median {1000 * statistics.median(lags):.1f}, "
            f"max {1000 * max(lags):.1f}"
        )
    return text


def run(args) -> int:
    database_url = os.environ.get("DRILL_DATABASE_URL") or DEFAULT_DATABASE_URL
    scratch = Path(tempfile.mkdtemp(prefix="drill-deadline-"))
    env = drill_environment(database_url, scratch)
    os.environ.clear()
    os.environ.update(env)
    server = None
    try:
        recreate_database(database_url, env)
        collect_static(env)
        tender_pk, suppliers = prepare(args.suppliers)
        port = free_port()
        log = scratch / "gunicorn.log"
        server = start_gunicorn(env, port=port, workers=args.workers, threads=args.threads, log=log)
        wait_ready(server, port, log)
        warm_up(port, suppliers[: 4 * args.workers])
        deadline_at = time.time() + LEAD + BEFORE
        set_deadline(tender_pk, datetime.datetime.fromtimestamp(deadline_at, tz=datetime.UTC))
        shots = plan(suppliers, deadline_at, args.guard)
        fire(port, shots)
        stop_gunicorn(server)
        line, problems = verdict(shots, deadline_at)
        print(
            f"{len(shots)} suppliers, gunicorn {args.workers} workers x {args.threads} threads, "
            f"none sent in the last {1000 * args.guard:.0f} ms; " + figures(shots, deadline_at)
        )
        for problem in problems[:20]:
            print("  " + problem)
        print(line)
        return 1 if problems else 0
    finally:
        if server is not None:
            stop_gunicorn(server)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            recreate_database(database_url)
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            print(f"kept: {database_url}, {scratch}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument(
        "--guard",
        type=float,
        default=0.02,
        help="seconds before the deadline in which no request is sent (default 0.02)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = parser.parse_args(argv)
    if not 2 <= args.suppliers <= 500:
        print("drill-deadline: --suppliers must be between 2 and 500", file=sys.stderr)
        return 2
    try:
        return run(args)
    except DrillError as exc:
        print(f"drill-deadline: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
