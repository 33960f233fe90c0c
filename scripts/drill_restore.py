#!/usr/bin/env python3
"""Restore drill (issue 13 §5): back up, restore into fresh places, prove nothing was lost.

What it does, end to end, with the real tools (PostgreSQL's pg_dump and pg_restore, the
product's own verification commands), under ``config.settings.production`` with throwaway
secrets:

1. creates a scratch PostgreSQL database (``DRILL_DATABASE_URL``, default
   ``postgres://<user>@127.0.0.1:5432/pm_drill_restore``) and scratch MEDIA_ROOT and
   PRIVATE_MEDIA_ROOT folders, migrates, loads the demo (``seed_demo --force``: tenders, opened
   and awarded bids with sealed documents) and N more submitted bids with two documents each,
   through the test factories, which call the real services;
2. checks the source: ``verify_audit`` and ``verify_bid_integrity`` must pass;
3. backs up in the order docs/operations.md gives: ``pg_dump --format=custom`` first, then a tar
   archive of the private and public files. BID_KEYS stays in this process's memory only;
4. restores into a second, fresh database (``<name>_restored``) with ``pg_restore`` and into
   fresh folders from the archive;
5. checks the copy with the same two commands, and that it reports exactly what the source did
   (same audit head, same bids, documents and bytes);
6. shows that the checks can fail: the restored database with an empty private folder, and with
   a different BID_KEYS, must both make ``verify_bid_integrity`` exit 1.

It prints one line per step with its time, then a summary. Exit status 0 when everything holds,
1 when a check failed, 2 (with a one-line reason) when the drill could not run. Both databases
and the scratch folder are removed at the end unless ``--keep`` is given.

Usage: ``python scripts/drill_restore.py [--bids N] [--document-kb K] [--keep]``
(``make drill-restore BIDS=20``).
"""

from __future__ import annotations

import argparse
import base64
import getpass
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script or a module
from scripts.drill_support import DrillError, database_name, recreate_database

ROOT = Path(__file__).resolve().parent.parent
COMMAND_TIMEOUT = 1800  # seconds one step may take


@dataclass
class Result:
    steps: list[tuple[str, float, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def step(self, name: str, started: float, detail: str = "") -> None:
        elapsed = time.monotonic() - started
        self.steps.append((name, elapsed, detail))
        print(f"  {name:<44} {elapsed:7.2f} s  {detail}", flush=True)

    def fail(self, message: str) -> None:
        self.failures.append(message)
        print(f"  FAILED: {message}", flush=True)


# --- Places ---------------------------------------------------------------------------------


def default_database_url() -> str:
    user = os.environ.get("PGUSER") or getpass.getuser()
    return f"postgres://{user}@127.0.0.1:5432/pm_drill_restore"


def with_name(database_url: str, name: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def libpq_url(database_url: str) -> str:
    """The URL as pg_dump and pg_restore read it (they know postgresql://, not postgres://)."""
    return urlunsplit(urlsplit(database_url)._replace(scheme="postgresql"))


def environment(database_url: str, files: Path, bid_keys: str) -> dict[str, str]:
    """Production settings with throwaway secrets; no broker or search server."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BROKER_URL", "ELASTICSEARCH_URL", "SEARCH_BACKEND"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=env.get("DRILL_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        BID_KEYS=bid_keys,
        MEDIA_ROOT=str(files / "media"),
        PRIVATE_MEDIA_ROOT=str(files / "private"),
        STATIC_ROOT=str(files / "static"),
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own manage.py and PostgreSQL's tools)
        args,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "manage.py", *args], env)


def last_line(done: subprocess.CompletedProcess) -> str:
    lines = (done.stderr or done.stdout or "").strip().splitlines()
    return lines[-1] if lines else "(no output)"


def must(done: subprocess.CompletedProcess, what: str) -> str:
    if done.returncode != 0:
        raise DrillError(f"{what} failed: {last_line(done)}")
    return done.stdout.strip()


# --- Data -----------------------------------------------------------------------------------


SEED = """
import os, sys
sys.path.insert(0, os.getcwd())
import django
django.setup()
from tests.factories.bids import MINIMAL_PDF, submitted_bid, supplier_member, tender_ready_for_bids

count, size = int(sys.argv[1]), int(sys.argv[2])
tender = tender_ready_for_bids(lots=1, requirements=1)
for number in range(count):
    user = supplier_member(email=f"restore{number}@leverandor.test")
    documents = [
        (f"{kind}-{number}.pdf", MINIMAL_PDF + b"%" + os.urandom(size).hex().encode()[:size])
        for kind in ("tilbudsbrev", "prisskjema")
    ]
    submitted_bid(tender=tender, by=user, documents=documents)
print(count)
"""


def seed(env: dict[str, str], bids: int, document_bytes: int) -> None:
    must(manage(env, "seed_demo", "--force", "--quiet-logins"), "seed_demo --force")
    if bids:
        must(run([sys.executable, "-c", SEED, str(bids), str(document_bytes)], env), "seeding")


def verify(env: dict[str, str], result: Result, label: str) -> tuple[str, str]:
    """Both verifications; their summary lines (empty when one failed)."""
    lines = []
    for command in ("verify_audit", "verify_bid_integrity"):
        started = time.monotonic()
        done = manage(env, command)
        if done.returncode != 0:
            result.fail(f"{command} on the {label}: {last_line(done)}")
            lines.append("")
        else:
            lines.append(done.stdout.strip().splitlines()[-1])
        result.step(f"{command} ({label})", started, lines[-1][:90])
    return lines[0], lines[1]


# --- Backup and restore ---------------------------------------------------------------------


def backup(env: dict[str, str], files: Path, dump: Path, archive: Path) -> None:
    # The order matters: the dump first, then the files (every row in the dump has its file).
    must(
        run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--file",
                str(dump),
                libpq_url(env["DATABASE_URL"]),
            ],
            env,
        ),
        "pg_dump",
    )
    with tarfile.open(archive, "w") as tar:
        for folder in ("private", "media"):
            if (files / folder).exists():
                tar.add(files / folder, arcname=folder)


def restore(env: dict[str, str], files: Path, dump: Path, archive: Path) -> None:
    recreate_database(env["DATABASE_URL"])
    must(
        run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                libpq_url(env["DATABASE_URL"]),
                str(dump),
            ],
            env,
        ),
        "pg_restore",
    )
    files.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(files, filter="data")


def folder_size(path: Path) -> tuple[int, int]:
    sizes = [item.stat().st_size for item in path.rglob("*") if item.is_file()]
    return len(sizes), sum(sizes)


# --- The drill ------------------------------------------------------------------------------


def drill(args: argparse.Namespace, scratch: Path, result: Result) -> None:
    source_url = os.environ.get("DRILL_DATABASE_URL") or default_database_url()
    restored_url = with_name(source_url, database_name(source_url) + "_restored")
    bid_keys = "drill-1:" + base64.urlsafe_b64encode(os.urandom(32)).decode()
    source_files, restored_files = scratch / "source", scratch / "restored"
    dump, archive = scratch / "backup" / "pilotmarked.dump", scratch / "backup" / "files.tar"
    dump.parent.mkdir(parents=True)
    source = environment(source_url, source_files, bid_keys)
    restored = environment(restored_url, restored_files, bid_keys)
    restored["DJANGO_SECRET_KEY"] = source["DJANGO_SECRET_KEY"]
    try:
        started = time.monotonic()
        recreate_database(source_url)
        must(manage(source, "migrate", "--noinput"), "migrate")
        result.step("create and migrate the source database", started)

        started = time.monotonic()
        seed(source, args.bids, args.document_kb * 1024)
        count, size = folder_size(source_files / "private")
        result.step("seed demo data and bids", started, f"{count} private files, {size} bytes")

        audit_source, bids_source = verify(source, result, "source")
        if result.failures:
            return

        started = time.monotonic()
        backup(source, source_files, dump, archive)
        result.step(
            "back up: pg_dump -Fc, then tar the files",
            started,
            f"dump {dump.stat().st_size} bytes, files {archive.stat().st_size} bytes",
        )

        started = time.monotonic()
        restore(restored, restored_files, dump, archive)
        result.step("restore into a fresh database and folders", started)

        audit_copy, bids_copy = verify(restored, result, "restored copy")
        if audit_copy and audit_copy != audit_source:
            result.fail(f"the restored audit chain differs: {audit_copy!r} != {audit_source!r}")
        if bids_copy and bids_copy != bids_source:
            result.fail(f"the restored bids differ: {bids_copy!r} != {bids_source!r}")

        # The checks can fail: files missing, or the wrong keys.
        started = time.monotonic()
        empty = dict(restored, PRIVATE_MEDIA_ROOT=str(scratch / "empty"))
        (scratch / "empty").mkdir()
        done = manage(empty, "verify_bid_integrity")
        if done.returncode != 1 or "missing from private storage" not in done.stderr:
            result.fail(f"without the private files verify_bid_integrity said: {last_line(done)}")
        wrong = dict(
            restored, BID_KEYS="drill-1:" + base64.urlsafe_b64encode(os.urandom(32)).decode()
        )
        done = manage(wrong, "verify_bid_integrity")
        if done.returncode != 1 or "does not unwrap" not in done.stderr:
            result.fail(f"with another BID_KEYS verify_bid_integrity said: {last_line(done)}")
        result.step("negative checks (no files; other BID_KEYS)", started, "both refused")
    finally:
        if not args.keep:
            for url in (source_url, restored_url):
                try:
                    recreate_database(url, create=False)
                except DrillError as exc:
                    print(f"  could not drop {database_name(url)}: {exc}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bids", type=int, default=20, help="extra submitted bids (default 20)")
    parser.add_argument(
        "--document-kb", type=int, default=256, help="size of each extra document in KiB"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases and files")
    args = parser.parse_args()
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            print(f"drill-restore: {tool} is not installed (apt-get install postgresql-client)")
            return 2
    scratch = Path(tempfile.mkdtemp(prefix="pm-drill-restore-"))
    result = Result()
    print(f"Restore drill: {args.bids} extra bids of 2 x {args.document_kb} KiB, scratch {scratch}")
    began = time.monotonic()
    try:
        drill(args, scratch, result)
    except DrillError as exc:
        print(f"drill-restore could not run: {exc}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"  kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    total = time.monotonic() - began
    if result.failures:
        print(f"Restore drill FAILED ({len(result.failures)} problems, {total:.1f} s):")
        for failure in result.failures:
            print(f"  - {failure}")
        return 1
    print(f"Restore drill passed in {total:.1f} s: the restored copy verifies like the source.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
