#!/usr/bin/env python3
"""HTTP load test (issue 14, ``make loadtest``): what users ask for, on gunicorn at county size.

1. Drops and recreates a scratch PostgreSQL database (``LOADTEST_DATABASE_URL``, default
   ``postgres://root@127.0.0.1:5432/pm_loadtest``), migrated as the drills do
   (scripts/drill_deadline.py), and fills it: the full CPV table from ``PILOTMARKED_DATA_DIR``,
   the demo (``seed_demo``: people, tenders, success stories, news), then the bench generator at
   size (``build`` and ``index_everything`` of tests/bench/dataset.py; ``LOADTEST_TENDERS``,
   default 20,000, ``LOADTEST_PROFILES``, default 100,000). ``LOADTEST_REUSE=1`` skips all this
   when a database this script finished building is there (kept with ``LOADTEST_KEEP=1``), and
   only applies the migrations added since.
2. Starts a private redis-server for the cache (or uses ``LOADTEST_REDIS_URL``) and gunicorn
   from gunicorn.conf.py under production settings (DEBUG off): one worker
   (``LOADTEST_THREADS`` threads, default 4 as in production), pinned to CPU 0. Worker recycling
   (``max_requests``) is off, so no restart falls inside a measurement.
3. For each page: a warm-up, then saturation with wrk (``LOADTEST_CONNECTIONS``, default 8)
   and latency at half that rate with the open-loop generator of scripts/load_generators.py;
   both run on CPU 1. Signed-in pages carry a session made in the database for a demo supplier
   or buyer. ``/healthz`` (no database, no template) is the machine's ceiling: it is measured
   first and last, and every page is also given as a share of it.
4. Prints the table and, unless ``LOADTEST_WRITE=0``, writes it to docs/benchmarks.md as
   "HTTP load test: <sizes>" (other sections are kept).

``LOADTEST_PAGES=healthz,tender_detail_uncached`` measures only those pages (the ``key`` of each
page in scripts/loadtest_site.py; ``/healthz`` is always measured first, as the ceiling); the
section's heading then names them, so a partial run does not replace the full table.

``make bench BENCH_HTTP=1`` runs this after the in-process benchmarks at 2,000 tenders / 10,000
suppliers, so docs/benchmarks.md holds the HTTP figures at two sizes. Where wrk is missing
(``apt-get install wrk``) saturation is measured with the generator's closed loop instead, and
the report says so.

Exit 0 when every page answered 200 throughout; 1 when one did not (one line names it); 2 when
the test could not run (gunicorn did not start, PostgreSQL unreachable). gunicorn and redis are
always stopped and the database dropped, unless ``LOADTEST_KEEP=1``. The goals are printed
next to the figures; missing one is reported, not an error.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script or a module
from scripts.drill_deadline import (
    collect_static,
    drill_environment,
    manage,
    recreate_database,
    wait_ready,
)
from scripts.drill_support import DrillError, database_name, free_port
from scripts.load_generators import DriveResult, WrkError, WrkResult, drive, percentile, run_wrk
from scripts.loadtest_site import (
    BROAD_WORD,
    BUILT_MARK,
    Page,
    build,
    built_sizes,
    documents_holding,
    pages,
    rare_word,
    sessions,
)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgres://root@127.0.0.1:5432/pm_loadtest"
SERVER_CPU, LOAD_CPU = 0, 1
CACHED_GOAL_RPS = 1000
UNCACHED_GOAL_SHARE = 0.15


def _setting(name: str, default: str) -> str:
    return os.environ.get(name) or default


@dataclass(frozen=True)
class Options:
    database_url: str
    tenders: int
    profiles: int
    seconds: float
    connections: int
    threads: int
    keep: bool
    reuse: bool
    write: bool
    pages: tuple[str, ...] = ()  # page keys (LOADTEST_PAGES); empty: every page

    @classmethod
    def from_environment(cls) -> Options:
        flag = lambda name: os.environ.get(name, "").lower() in {"1", "true", "yes"}  # noqa: E731
        return cls(
            database_url=_setting("LOADTEST_DATABASE_URL", DEFAULT_DATABASE_URL),
            tenders=int(_setting("LOADTEST_TENDERS", "20000")),
            profiles=int(_setting("LOADTEST_PROFILES", "100000")),
            seconds=float(_setting("LOADTEST_SECONDS", "10")),
            connections=int(_setting("LOADTEST_CONNECTIONS", "8")),
            threads=int(_setting("LOADTEST_THREADS", "4")),
            keep=flag("LOADTEST_KEEP"),
            reuse=flag("LOADTEST_REUSE"),
            write=_setting("LOADTEST_WRITE", "1") != "0",
            pages=tuple(
                key for key in _setting("LOADTEST_PAGES", "").replace(" ", "").split(",") if key
            ),
        )


def chosen(page_list: list[Page], keys: tuple[str, ...]) -> list[Page]:
    """The pages named by ``keys`` (all when there are none), after the /healthz ceiling."""
    if not keys:
        return page_list
    known = {page.key for page in page_list}
    unknown = sorted(set(keys) - known)
    if unknown:
        raise DrillError(f"LOADTEST_PAGES: no page {', '.join(unknown)} (known: {sorted(known)})")
    ceiling = page_list[0]
    return [ceiling, *(page for page in page_list[1:] if page.key in keys)]


@dataclass
class Row:
    page: Page
    saturation: WrkResult | DriveResult
    half: DriveResult
    ceiling: float = 0.0  # /healthz req/s measured just before this page

    @property
    def rps(self) -> float:
        sat = self.saturation
        return sat.rps if isinstance(sat, WrkResult) else sat.achieved_rps


# --- CPUs, redis, gunicorn ---------------------------------------------------------------------


_CPUS = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()


def _pinning() -> bool:
    """Whether the server and the load can each have a CPU (this process pins itself later)."""
    return {SERVER_CPU, LOAD_CPU} <= _CPUS


def pinned_to(cpu: int):
    """A preexec_fn that pins the child to ``cpu`` (what ``taskset -c`` does), or None."""
    return (lambda: os.sched_setaffinity(0, {cpu})) if _pinning() else None


def start_redis(scratch: Path) -> tuple[subprocess.Popen | None, str]:
    """``LOADTEST_REDIS_URL`` if given, else a private redis-server on a free port; with
    neither, no Redis (the settings' local-memory cache)."""
    if os.environ.get("LOADTEST_REDIS_URL"):
        return None, os.environ["LOADTEST_REDIS_URL"]
    if not shutil.which("redis-server"):
        return None, ""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (redis-server from PATH, fixed arguments)
        [
            *("redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""),
            *("--appendonly", "no", "--dir", str(scratch), "--loglevel", "warning"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    import socket

    give_up = time.monotonic() + 10
    while time.monotonic() < give_up:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                probe.sendall(b"PING\r\n")
                if probe.recv(16).startswith(b"+PONG"):
                    return server, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.1)
    stop(server)
    raise DrillError("redis-server did not answer PING within 10 s")


def start_gunicorn(env: dict[str, str], *, port: int, threads: int, log: Path) -> subprocess.Popen:
    server_env = env | {
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_LOG_LEVEL": "warning",
        # One client address sends every request here: its search throttle (60/min) would
        # answer 429. The throttle still counts each request; it just never says no.
        "SEARCH_RATE": "100000000/min",
    }
    server_env.pop("CELERY_TASK_ALWAYS_EAGER", None)  # tasks go to the broker, as in production
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603 (the project's own gunicorn and settings)
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--max-requests", "0"],
            cwd=ROOT,
            env=server_env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=pinned_to(SERVER_CPU),
        )


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group we started for it
        process.wait(timeout=10)


# --- Measuring ---------------------------------------------------------------------------------


def headers_for(port: int, page: Page, cookies: dict[str, str]) -> dict[str, str]:
    headers = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https"}  # as the proxy says
    if page.session:
        headers["Cookie"] = cookies[page.session]
    return headers


def saturate(
    port: int, path: str, headers: dict[str, str], *, seconds: float, connections: int
) -> WrkResult | DriveResult:
    """Requests back to back on every connection: wrk, or closed-loop threads without it."""
    if shutil.which("wrk"):
        url = f"http://127.0.0.1:{port}{path}"
        return run_wrk(
            url,
            headers=headers,
            seconds=seconds,
            connections=connections,
            preexec_fn=pinned_to(LOAD_CPU),
        )
    return drive(
        "127.0.0.1",
        port,
        path,
        headers=headers,
        seconds=seconds,
        rate=None,
        connections=connections,
    )


def measure(port: int, page: Page, headers: dict[str, str], options: Options) -> Row:
    """Warm up, saturate, then half that rate (open loop)."""
    seconds, connections = options.seconds, options.connections
    saturate(port, page.path, headers, seconds=max(1.0, seconds / 5), connections=connections)
    saturation = saturate(port, page.path, headers, seconds=seconds, connections=connections)
    rps = saturation.rps if isinstance(saturation, WrkResult) else saturation.achieved_rps
    # At least ~50 answers for a p95 on slow pages, at most 3 × the planned time.
    half = max(rps / 2, 0.5)
    span = min(max(seconds, 50 / half), 3 * seconds)
    return Row(
        page,
        saturation,
        drive("127.0.0.1", port, page.path, headers=headers, seconds=span, rate=half),
    )


def ceiling_now(port: int, options: Options) -> float:
    """/healthz req/s right now: the share of a page is taken against the ceiling of its time,
    as the other work on a shared machine comes and goes."""
    headers = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https"}
    result = saturate(
        port,
        "/healthz",
        headers,
        seconds=max(1.0, options.seconds / 3),
        connections=options.connections,
    )
    return result.rps if isinstance(result, WrkResult) else result.achieved_rps


def problems_of(row: Row) -> list[str]:
    found = []
    sat = row.saturation
    if isinstance(sat, WrkResult) and (sat.non_2xx_3xx or sat.socket_errors):
        found.append(
            f"{row.page.path}: {sat.non_2xx_3xx} answers not 2xx/3xx and {sat.socket_errors} "
            "socket errors at saturation"
        )
    if isinstance(sat, DriveResult) and sat.not_ok:
        found.append(f"{row.page.path}: {sat.not_ok} answers not 200 at saturation")
    if row.half.not_ok:
        statuses = dict(row.half.statuses) | dict(row.half.errors)
        found.append(f"{row.page.path}: {row.half.not_ok} not 200 at half rate ({statuses})")
    return found


def goal_text(row: Row) -> tuple[str, str]:
    """The goal and whether it was met."""
    if row.page.goal == "cached":
        return f"≥ {CACHED_GOAL_RPS:,} req/s", "yes" if row.rps >= CACHED_GOAL_RPS else "no"
    if row.page.goal == "uncached":
        met = row.rps >= UNCACHED_GOAL_SHARE * row.ceiling
        return f"≥ {UNCACHED_GOAL_SHARE:.0%} of /healthz", "yes" if met else "no"
    return "", ""


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| page | req/s at saturation | /healthz just before | share of it | rate for latency "
        "| p50 | p95 | goal | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        goal, met = goal_text(row)
        latencies = row.half.latencies_ms or [float("nan")]
        share = row.rps / row.ceiling if row.ceiling else float("nan")
        lines.append(
            f"| {row.page.label} | {row.rps:,.1f} | {row.ceiling:,.0f} | {share:.1%} | "
            f"{row.half.achieved_rps:,.1f}/s | {percentile(latencies, 0.5):.1f} ms | "
            f"{percentile(latencies, 0.95):.1f} ms | {goal} | {met} |"
        )
    return lines


# --- The machine and the report -------------------------------------------------------------


def versions(redis_url: str) -> str:
    from django.db import connection

    postgres = connection.cursor().connection.info.server_version
    postgres_text = f"{postgres // 10000}.{postgres % 10000}"
    redis = "none (local-memory cache)"
    if redis_url:
        import redis as redis_client

        with redis_client.Redis.from_url(redis_url) as client:
            redis = client.info("server").get("redis_version", "?")
    wrk = "wrk" if shutil.which("wrk") else "closed-loop threads (wrk is not installed)"
    return f"Python {platform.python_version()}, PostgreSQL {postgres_text}, Redis {redis}; {wrk}"


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def report(rows, options, sizes, extra: list[str]) -> list[str]:
    from tests.bench.__main__ import machine

    pinning = (
        f"gunicorn pinned to CPU {SERVER_CPU}, load generators to CPU {LOAD_CPU}"
        if _pinning()
        else "no CPU pinning (fewer than two CPUs or no sched_setaffinity)"
    )
    only = f" (pages: {', '.join(options.pages)})" if options.pages else ""
    return [
        f"## HTTP load test: {sizes}{only}",
        "",
        f"- Machine: {machine()}",
        f"- Software: {extra[0]}",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M %Z')}; load average {extra[1]} before, "
        f"{load_average()} after (the machine is shared: other work ran while it ran)",
        "- How: `make loadtest` (scripts/loadtest.py): gunicorn.conf.py under production "
        f"settings, one worker with {options.threads} threads, Redis cache, {pinning}. "
        f"Saturation: wrk, {options.connections} connections, {options.seconds:g} s per page "
        "after a warm-up. Latency: the open-loop generator of scripts/load_generators.py at half "
        "the saturation rate (constant rate; latency counted from when each request was due). "
        "Signed-in pages carry a demo person's session. /healthz (no database, no template) is "
        "the machine's ceiling: it is measured for a third of the time just before each page "
        f"({extra[2]} in this run), and each page is given as a share of that. Search words: "
        f"{extra[3]}. The search throttle's limit is raised (one client address sends all).",
        "",
        *table(rows),
        "",
    ]


def write_docs(lines: list[str]) -> None:
    out = ROOT / "docs" / "benchmarks.md"
    out.write_text(merge_section(out.read_text(), "\n".join(lines)))


def merge_section(text: str, section: str) -> str:
    """``text`` with the ``## `` section of the same heading replaced in place, or with the
    section added at the end; every other section is kept where it is."""
    heading = section.splitlines()[0]
    parts = re.split(r"(?m)^(?=## )", text)
    body = section.rstrip("\n") + "\n\n"
    for number, part in enumerate(parts):
        if part.splitlines()[:1] == [heading]:
            parts[number] = body
            return "".join(parts).rstrip("\n") + "\n"
    return text.rstrip("\n") + "\n\n" + body.rstrip("\n") + "\n"


# --- The run -----------------------------------------------------------------------------------


def run(options: Options) -> int:
    say = lambda text: print(f"loadtest: {text}", file=sys.stderr, flush=True)  # noqa: E731
    if _pinning():
        os.sched_setaffinity(0, {LOAD_CPU})  # this process drives the open-loop load
    scratch = Path(tempfile.mkdtemp(prefix="loadtest-"))
    redis = server = None
    before = load_average()
    try:
        redis, redis_url = start_redis(scratch)
        env = drill_environment(options.database_url, scratch)
        if redis_url:
            env["REDIS_URL"] = redis_url
        env["CELERY_TASK_ALWAYS_EAGER"] = "true"  # the build's own tasks run in-process
        env["EMAIL_URL"] = "dummymail://"  # the demo's e-mails are not the report
        os.environ.clear()
        os.environ.update(env)
        mark = built_sizes(options.database_url) if options.reuse else ""
        if mark.startswith(BUILT_MARK):
            say(f"reusing {database_name(options.database_url)} ({mark}), migrating it")
            manage(env, "migrate")  # what was added since it was built
            import django

            django.setup()
        else:
            say(f"building {options.tenders:,} tenders, {options.profiles:,} suppliers")
            build(options.database_url, env, options.tenders, options.profiles, say)
            mark = f"{BUILT_MARK} {options.tenders} tenders, {options.profiles} profiles"
        collect_static(env)
        tenders, profiles = (int(n) for n in mark.removeprefix(BUILT_MARK).split()[::2])
        sizes = f"{tenders:,} tenders, {profiles:,} suppliers"
        cookies = sessions()
        rare, documents = rare_word()
        broad = documents_holding(BROAD_WORD)
        words = f"{BROAD_WORD!r} in {broad:,} documents, {rare!r} in {documents:,}"
        page_list = chosen(pages(rare), options.pages)
        software = versions(redis_url)
        from django.db import connections

        connections.close_all()
        port = free_port()
        log = scratch / "gunicorn.log"
        server = start_gunicorn(env, port=port, threads=options.threads, log=log)
        wait_ready(server, port, log)
        for page in page_list:
            headers = headers_for(port, page, cookies)
            status = get_status(port, page.path, headers)
            if status != 200:
                raise PageError(f"GET {page.path} ({page.label}) answered {status}, not 200")
        say(f"gunicorn on port {port}; search words: {words}")
        rows, problems = [], []
        for page in page_list:
            ceiling = ceiling_now(port, options)
            row = measure(port, page, headers_for(port, page, cookies), options)
            row.ceiling = row.rps if page is page_list[0] else ceiling
            say(f"{page.label}: {row.rps:,.1f} req/s (/healthz just before: {ceiling:,.0f})")
            rows.append(row)
            problems += problems_of(row)
        ceilings = sorted(row.ceiling for row in rows)
        spread = f"{ceilings[0]:,.0f}–{ceilings[-1]:,.0f} req/s"
        lines = report(rows, options, sizes, [software, before, spread, words])
        print("\n".join(lines))
        if server.poll() is not None:
            problems.append(f"gunicorn exited with {server.returncode} during the test")
        if problems:
            for problem in problems:
                say(problem)
            print(f"loadtest: FAILED: {problems[0]}", file=sys.stderr)
            return 1
        if options.write:
            write_docs(lines)
            say("written to docs/benchmarks.md")
        return 0
    finally:
        stop(server)
        stop(redis)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if options.keep:
            say(f"kept: {options.database_url} (LOADTEST_REUSE=1 uses it again), {scratch}")
        else:
            recreate_database(options.database_url)
            shutil.rmtree(scratch, ignore_errors=True)


class PageError(Exception):
    """A page did not answer 200: the product failed the test."""


def get_status(port: int, path: str, headers: dict[str, str]) -> int:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def main() -> int:
    options = Options.from_environment()
    try:
        return run(options)
    except PageError as exc:
        print(f"loadtest: FAILED: {exc}", file=sys.stderr)
        return 1
    except (DrillError, WrkError) as exc:
        print(f"loadtest: could not run: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
