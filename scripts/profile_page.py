#!/usr/bin/env python3
"""Where one page's time goes (issue 14, ``make profile-page URL=/konkurranser/<ref>/``).

Calls the WSGI application in-process, as gunicorn does, under production settings (DEBUG off,
the cached template loader) with the page cache off, on a database that
``make loadtest`` built and kept (``LOADTEST_KEEP=1``; ``PROFILE_DATABASE_URL``, default the
loadtest's). It times ``URL`` and ``/healthz`` (the floor: no database, no template) N times
each, then runs ``URL`` N more times under cProfile and prints the functions with the most
cumulative and own time, and the number of queries of one request.

``AS=supplier`` (or ``buyer``) sends the demo person's session, as the load test's signed-in
pages do. Nothing is written; the figures are for finding the cost, the load test is the
measurement.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script or a module
from scripts.drill_deadline import drill_environment
from scripts.loadtest import DEFAULT_DATABASE_URL
from scripts.loadtest_site import BUYER, SUPPLIER


def _environ(path: str, cookie: str) -> dict:
    parts = urlsplit(path)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",  # as the proxy says (SECURE_SSL_REDIRECT)
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def _call(application, path: str, cookie: str) -> tuple[str, bytes]:
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = status

    body = application(_environ(path, cookie), start_response)
    try:
        content = b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    return answer["status"], content


def _per_request_ms(application, path: str, cookie: str, n: int) -> tuple[float, float]:
    """Wall time and this process's CPU time a request, in ms (the CPU time leaves out the
    database server and the waits for a CPU on a busy machine)."""
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        _call(application, path, cookie)
    return (time.perf_counter() - started) / n * 1000, (time.process_time() - cpu) / n * 1000


def _session_cookie(person: str) -> str:
    from django.conf import settings
    from django.test import Client

    from marketplace.models import User

    client = Client()
    client.force_login(User.objects.get(email={"supplier": SUPPLIER, "buyer": BUYER}[person]))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the path to profile, e.g. /konkurranser/BENK-00001/")
    parser.add_argument("-n", type=int, default=200, help="requests per measurement")
    parser.add_argument("--as", dest="person", choices=["supplier", "buyer"], default=None)
    parser.add_argument("--top", type=int, default=35, help="functions listed per ordering")
    parser.add_argument("--save", help="also write the profile here (for pstats or snakeviz)")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="profile this process's CPU time, not wall time (waits on PostgreSQL and for a "
        "processor on a busy machine then count for nothing)",
    )
    args = parser.parse_args()

    database_url = os.environ.get("PROFILE_DATABASE_URL") or DEFAULT_DATABASE_URL
    env = drill_environment(database_url, Path(tempfile.mkdtemp(prefix="profile-page-")))
    env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
    env["PAGE_CACHE_ENABLED"] = "false"  # the page's own cost, not the cache's
    env["EMAIL_URL"] = "dummymail://"
    os.environ.update(env)
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    application = get_wsgi_application()
    cookie = _session_cookie(args.person) if args.person else ""
    status, content = _call(application, args.url, cookie)
    if not status.startswith("200"):
        print(f"profile-page: GET {args.url} answered {status}", file=sys.stderr)
        return 1
    warm = max(10, args.n // 10)
    _per_request_ms(application, args.url, cookie, warm)
    _per_request_ms(application, "/healthz", cookie, warm)
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
    ):
        _call(application, args.url, cookie)
    page_ms = _per_request_ms(application, args.url, cookie, args.n)
    floor_ms = _per_request_ms(application, "/healthz", cookie, args.n)
    profile = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
    profile.enable()
    for _ in range(args.n):
        _call(application, args.url, cookie)
    profile.disable()
    if args.save:
        profile.dump_stats(args.save)

    who = f"as the demo {args.person}" if args.person else "anonymous"
    print(f"GET {args.url} ({who}, page cache off, {len(content):,} bytes, {len(queries)} queries)")
    print(
        f"  wall {page_ms[0]:.2f} ms a request, /healthz {floor_ms[0]:.2f} ms: "
        f"{floor_ms[0] / page_ms[0]:.1%}; CPU of this process {page_ms[1]:.2f} ms, /healthz "
        f"{floor_ms[1]:.2f} ms: {floor_ms[1] / page_ms[1]:.1%}"
    )
    for order in ("cumulative", "tottime"):
        print(f"\n--- top {args.top} by {order} time, {args.n} requests ---")
        stats = pstats.Stats(profile, stream=sys.stdout)
        stats.strip_dirs().sort_stats(order).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
