#!/usr/bin/env python3
"""Login drill (issue 13 §3): guessing passwords locks out the guesser, never the owner, with
Redis up and with Redis down; a password alone never reaches the API.

What it does, end to end, with nothing faked:

1. recreates a scratch PostgreSQL database (``DRILL_DATABASE_URL``, default
   ``postgres://root@127.0.0.1:5432/pm_drill_login``) under ``config.settings.production`` with
   throwaway secrets (the helpers of scripts/drill_deadline.py), and makes one supplier person
   with a verified address;
2. for each cache state -- Redis up (``DRILL_REDIS_URL``, default db 3 of 127.0.0.1:6379) and
   Redis down (a closed port of 127.0.0.1) -- starts gunicorn behind one "proxy"
   (``TRUSTED_PROXY_COUNT=1``, the client address in ``X-Forwarded-For``) and:
   - sends N wrong passwords for the person from the attacker's address,
   - logs in with the right password from the owner's address (must work),
   - tries the right password from the attacker's address (must be 429 with Retry-After),
   - asks ``/api/tenders/`` with HTTP Basic and the right password (must be 401);
3. prints per state how the wrong passwords were answered, the login latency (p50/p95) and
   whether the owner got in, and exits 1 if any answer was a 5xx, the owner was refused, the
   attacker was not throttled or Basic was let through; 2 when it could not run.

Usage: ``python scripts/drill_login.py [--attempts N] [--keep]`` (``make drill-login``).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import drill_deadline as base  # the shared drill helpers

DEFAULT_DATABASE_URL = "postgres://root@127.0.0.1:5432/pm_drill_login"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/3"
EMAIL = "eier@leverandor.test"
PASSWORD = "drill horse battery staple"  # noqa: S105 (a throwaway drill account)
ATTACKER, OWNER = "203.0.113.7", "198.51.100.9"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def prepare() -> None:
    sys.path.insert(0, str(base.ROOT))
    import django

    django.setup()
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    user = UserFactory(email=EMAIL)
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)


class Browser:
    """One client behind the proxy: its own cookies, its address in X-Forwarded-For."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookies = port, address, {}

    def request(self, method: str, path: str, body: str = "", headers=None):
        origin = f"https://127.0.0.1:{self.port}"
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Origin": origin,
            "Referer": origin + path,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        if body:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            return response.status, response.headers, content
        finally:
            connection.close()

    def log_in(self, password: str) -> tuple[int, float, object]:
        _status, _headers, page = self.request("GET", "/en/accounts/login/")
        match = CSRF.search(page)
        if match is None:
            raise base.DrillError("the login page has no CSRF token")
        from urllib.parse import urlencode

        body = urlencode(
            {"csrfmiddlewaretoken": match.group(1).decode(), "login": EMAIL, "password": password}
        )
        started = time.perf_counter()
        status, headers, _content = self.request("POST", "/en/accounts/login/", body)
        return status, (time.perf_counter() - started) * 1000, headers


def run_state(env: dict[str, str], label: str, attempts: int, scratch: Path) -> list[str]:
    port = base.free_port()
    log = scratch / f"gunicorn-{label}.log"
    server = base.start_gunicorn(env, port=port, workers=2, threads=2, log=log)
    problems: list[str] = []
    try:
        base.wait_ready(server, port, log)
        for _ in range(8):  # every worker thread imports the login page once first
            Browser(port, "192.0.2.1").request("GET", "/en/accounts/login/")
        attacker, owner = Browser(port, ATTACKER), Browser(port, OWNER)
        answers: Counter[int] = Counter()
        latencies: dict[int, list[float]] = {}
        for _ in range(attempts):
            status, millis, _headers = attacker.log_in("wrong password")
            answers[status] += 1
            latencies.setdefault(status, []).append(millis)
        owner_status, owner_ms, _headers = owner.log_in(PASSWORD)
        blocked_status, _ms, blocked_headers = attacker.log_in(PASSWORD)
        pair = base64.b64encode(f"{EMAIL}:{PASSWORD}".encode()).decode()
        basic, _h, _c = Browser(port, OWNER).request(
            "GET", "/api/tenders/", headers={"Authorization": f"Basic {pair}"}
        )
        shown = ", ".join(
            f"{count}x{status} (median {statistics.median(latencies[status]):.0f} ms)"
            for status, count in sorted(answers.items())
        )
        print(
            f"{label}: {attempts} wrong passwords from one address -> {shown}; "
            f"owner from another address -> {owner_status} in {owner_ms:.0f} ms; right password "
            f"from the guessing address -> {blocked_status} (Retry-After "
            f"{blocked_headers.get('Retry-After')} s); Basic -> {basic}"
        )
        if any(status >= 500 for status in answers) or blocked_status >= 500:
            problems.append(f"{label}: a login answered 5xx")
        if owner_status != 302:
            problems.append(f"{label}: the owner could not log in ({owner_status})")
        if blocked_status != 429 or not blocked_headers.get("Retry-After"):
            problems.append(f"{label}: the guessing address was not throttled")
        if basic != 401:
            problems.append(f"{label}: HTTP Basic answered {basic}")
    finally:
        base.stop_gunicorn(server)
    return problems


def run(args) -> int:
    database_url = os.environ.get("DRILL_DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("DRILL_REDIS_URL") or DEFAULT_REDIS_URL
    scratch = Path(tempfile.mkdtemp(prefix="drill-login-"))
    env = base.drill_environment(database_url, scratch) | {"TRUSTED_PROXY_COUNT": "1"}
    env.pop("REDIS_URL", None)
    os.environ.clear()
    os.environ.update(env)
    try:
        base.recreate_database(database_url, env)
        base.collect_static(env)
        prepare()
        from django.db import connections

        connections.close_all()
        problems = []
        for label, url in [
            ("Redis up", redis_url),
            ("Redis down", f"redis://127.0.0.1:{base.free_port()}/0"),
        ]:
            import redis

            if label == "Redis up":
                redis.Redis.from_url(url).flushdb()  # the drill's own database number
            problems += run_state(env | {"REDIS_URL": url}, label, args.attempts, scratch)
        for problem in problems:
            print("  " + problem)
        print("FAILED" if problems else "OK")
        return 1 if problems else 0
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            base.recreate_database(database_url)
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            print(f"kept: {database_url}, {scratch}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=int(os.environ.get("N", "30")))
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = parser.parse_args(argv)
    if not 6 <= args.attempts <= 1000:
        print("drill-login: --attempts must be between 6 and 1000", file=sys.stderr)
        return 2
    try:
        return run(args)
    except base.DrillError as exc:
        print(f"drill-login: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
