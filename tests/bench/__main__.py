"""Benchmarks (``make bench``): throughput of the base layer's hot paths.

Runs against a throwaway database: a temporary SQLite file, or the PostgreSQL server named by
BENCH_DATABASE_URL (a database that may be emptied). Writes docs/benchmarks.md with the machine.
Goals are checked here, never in unit tests.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "5000"))
NOTIFICATIONS = int(os.environ.get("BENCH_NOTIFICATIONS", "1000"))
PAGE_REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "200"))
SUPPLIERS = int(os.environ.get("BENCH_SUPPLIERS", "1000"))


def setup_django() -> str:
    tmp = tempfile.mkdtemp(prefix="pilotmarked-bench-")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["MEDIA_ROOT"] = f"{tmp}/media"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    # BENCH_ONLY=match with BENCH_MATCH_REUSE=1 measures the data set the database holds.
    keep = (
        os.environ.get("BENCH_ONLY") == "match" and os.environ.get("BENCH_MATCH_REUSE") == "1"
    ) or (os.environ.get("BENCH_ONLY") == "search" and os.environ.get("BENCH_SEARCH_REUSE") == "1")
    if "BENCH_DATABASE_URL" in os.environ and not keep:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    return os.environ["DATABASE_URL"].split("://", 1)[0]


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def bench_audit() -> list[tuple[str, str, str]]:
    from django.core.management import call_command

    from marketplace.services.audit import audit_record

    def append():
        for n in range(EVENTS):
            audit_record(actor=None, action="bench.event", after={"n": n, "text": "x" * 200})

    seconds, _ = timed(append)
    verify_seconds, _ = timed(call_command, "verify_audit", stdout=StringIO(), stderr=StringIO())
    return [
        ("audit_record (one transaction each)", f"{EVENTS} events", f"{EVENTS / seconds:,.0f}/s"),
        ("verify_audit over the chain", f"{EVENTS} events", f"{EVENTS / verify_seconds:,.0f}/s"),
    ]


def bench_notifications() -> list[tuple[str, str, str]]:
    from marketplace.models import NotificationKind
    from marketplace.services.notifications import notify
    from tests.factories import UserFactory

    person = UserFactory(email="bench@example.test", full_name="Bench Person")

    def send():
        for n in range(NOTIFICATIONS):
            notify(
                recipient=person,
                kind=NotificationKind.SYSTEM,
                key=f"bench:{n}",
                template="marketplace/notifications/system",
                context={"title": f"Bench {n}", "message": f"Message {n}"},
            )

    seconds, _ = timed(send)
    return [
        (
            "notify + instant e-mail (tasks in-process)",
            f"{NOTIFICATIONS} notifications",
            f"{NOTIFICATIONS / seconds:,.0f}/s",
        )
    ]


def bench_pages() -> list[tuple[str, str, str]]:
    from django.core.management import call_command
    from django.test import Client

    call_command("seed_demo", "--force", "--quiet-logins", stdout=StringIO())
    from marketplace.models import User

    client = Client()
    client.force_login(User.objects.get(email="grunder@nordlys.test"))
    rows = []
    for label, url in [("home page", "/"), ("dashboard", "/min-side/"), ("inbox", "/varsler/")]:
        client.get(url)  # warm up
        samples = []
        for _ in range(PAGE_REQUESTS):
            seconds, response = timed(client.get, url)
            assert response.status_code == 200, (url, response.status_code)
            samples.append(seconds * 1000)
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
        rows.append(
            (
                f"GET {url} ({label}, in-process client)",
                f"{PAGE_REQUESTS} requests",
                f"median {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms",
            )
        )
    return rows


def _page_timings(client, label: str, url: str) -> tuple[str, str, str]:
    client.get(url)  # warm up
    samples = []
    for _ in range(PAGE_REQUESTS):
        seconds, response = timed(client.get, url)
        assert response.status_code == 200, (url, response.status_code)
        samples.append(seconds * 1000)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    return (
        f"GET {url} ({label}, in-process client)",
        f"{PAGE_REQUESTS} requests",
        f"median {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms",
    )


def bench_reference_imports() -> list[tuple[str, str, str]]:
    """The official lists from PILOTMARKED_DATA_DIR: the full CPV file, then all Doffin notices."""
    from django.conf import settings
    from django.core.management import call_command

    data = Path(settings.PILOTMARKED_DATA_DIR)
    cpv = data / "cpv_2008_main_en_nb.csv"
    if not cpv.exists():
        raise SystemExit(f"bench needs the reference data: {cpv} is missing")
    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    first, _ = timed(call_command, "import_cpv", str(cpv), **quiet)
    again, _ = timed(call_command, "import_cpv", str(cpv), **quiet)
    doffin = [str(data / "doffin_eforms_xml"), str(data / "doffin_contract_notices_F02_2020.json")]
    notices, _ = timed(call_command, "import_doffin", *doffin, **quiet)
    notices_again, _ = timed(call_command, "import_doffin", *doffin, **quiet)
    return [
        ("import_cpv, empty table", "9,454 codes", f"{first:.1f} s"),
        ("import_cpv again (nothing changes)", "9,454 codes", f"{again:.1f} s"),
        ("import_doffin, all shared notices", "1,261 notices", f"{notices:.1f} s"),
        ("import_doffin again (nothing changes)", "1,261 notices", f"{notices_again:.1f} s"),
    ]


def bench_cpv_only() -> list[tuple[str, str, str]]:
    """The CPV table alone (what the at-size step needs), not timed."""
    from django.conf import settings
    from django.core.management import call_command

    cpv = Path(settings.PILOTMARKED_DATA_DIR) / "cpv_2008_main_en_nb.csv"
    if not cpv.exists():
        raise SystemExit(f"bench needs the reference data: {cpv} is missing")
    call_command("import_cpv", str(cpv), stdout=StringIO(), stderr=StringIO())
    return []


def bench_listings() -> list[tuple[str, str, str]]:
    """The public lists at size: 1,000 listed suppliers, the imported Doffin tenders."""
    from django.test import Client

    from marketplace.models import CpvCode, Organisation, SupplierProfile
    from tests.factories.organisations import valid_org_number

    codes = list(CpvCode.objects.filter(level=CpvCode.Level.CATEGORY)[:200])
    organisations = Organisation.objects.bulk_create(
        Organisation(
            kind=Organisation.Kind.SUPPLIER,
            name=f"Benkmerke {n:04d} AS",
            slug=f"benk-{n:04d}",
            org_number=valid_org_number(500_000 + n * 3),
        )
        for n in range(SUPPLIERS)
    )
    profiles = SupplierProfile.objects.bulk_create(
        SupplierProfile(organisation=org, is_published=True, description_nb=f"Firma {n}")
        for n, org in enumerate(organisations)
    )
    links = SupplierProfile.cpv_codes.through
    links.objects.bulk_create(
        links(supplierprofile_id=profile.pk, cpvcode_id=codes[n % len(codes)].pk)
        for n, profile in enumerate(profiles)
    )
    client = Client()
    return [
        _page_timings(client, f"directory, {SUPPLIERS} suppliers", "/leverandorer/"),
        _page_timings(client, "directory filtered by a division", "/leverandorer/?cpv=03000000"),
        _page_timings(client, "opportunities incl. Doffin", "/konkurranser/?status=&source="),
    ]


def bench_matching_at_size() -> list[tuple[str, str, str]]:
    """Issue 6 at size (tests/bench/matching.py): on PostgreSQL only, as the goals are set."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return [("matching at size", "", "runs on PostgreSQL: set BENCH_DATABASE_URL")]
    from tests.bench.matching import bench_matching

    return bench_matching()


def bench_search_at_size() -> list[tuple[str, str, str]]:
    """Issue 14 part C (tests/bench/search_speed.py): site search against the naive baseline,
    at two sizes, on PostgreSQL only, as the goals are set."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return [("site search at size", "", "runs on PostgreSQL: set BENCH_DATABASE_URL")]
    from tests.bench.search_speed import bench_search

    return bench_search()


def bench_match_page_at_size() -> list[tuple[str, str, str]]:
    """Issue 14: the explained match page at two sizes (tests/bench/match_page.py), on
    PostgreSQL only, as the goal is set."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return [("explained match page at size", "", "runs on PostgreSQL: set BENCH_DATABASE_URL")]
    from tests.bench.match_page import bench_match_page

    return bench_match_page()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}; Python {platform.python_version()}"


HEADER = """# Benchmarks

Written by `make bench` (tests/bench), one section per database: SQLite by default,
PostgreSQL with `BENCH_DATABASE_URL=postgres://.../scratch make bench`. Numbers vary between
runs by some per cent; compare runs made on the same machine.
"""


HOW_SEARCH = (
    "- How: `BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/<scratch> BENCH_ONLY=search "
    "make bench` (the scratch\n  database is emptied). Sizes: BENCH_SEARCH_SIZES "
    '("tenders:profiles,..."), rounds: BENCH_SEARCH_ROUNDS\n  (tests/bench/search_speed.py '
    "says what is timed). The machine is shared: other work ran while it ran."
)
HOW_MATCH_PAGE = (
    "- How: `BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/<scratch> BENCH_ONLY=match "
    "make bench` (the scratch\n  database is emptied unless BENCH_MATCH_REUSE=1 and it holds a "
    "data set of the size asked for).\n  Sizes: BENCH_MATCH_PAGE_SIZES "
    '("tenders:profiles,..."), tenders sampled: BENCH_MATCH_SAMPLES\n  '
    "(tests/bench/match_page.py says what is timed). The machine is shared: other work ran "
    "while it ran."
)
HOW_AT_SIZE = (
    "- How: `BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/<scratch> BENCH_ONLY=matching "
    "make bench` (the scratch\n  database is emptied; the CPV table comes from "
    "`PILOTMARKED_DATA_DIR`). Sizes: BENCH_MATCH_TENDERS,\n  BENCH_MATCH_PROFILES, "
    "BENCH_SAVED_SEARCHES (tests/bench/matching.py). Search samples are cut at\n  "
    "BENCH_SEARCH_TIMEOUT_MS. The machine is shared: other work ran while it ran."
)


def merge_section(path: Path, vendor: str, section: str) -> str:
    """Replace this database's section of the file, keeping the others."""
    sections: dict[str, str] = {}
    if path.exists():
        current = None
        for line in path.read_text().splitlines():
            if line.startswith("## "):
                current = line[3:].strip()
                sections[current] = ""
            if current:
                sections[current] += line + "\n"
    sections[vendor] = section + "\n"
    return HEADER + "\n" + "".join(sections[name] for name in sorted(sections))


def main() -> int:
    vendor = setup_django()
    print(f"Benchmarking on {vendor} …", file=sys.stderr)
    rows = []
    steps = (
        bench_audit,
        bench_notifications,
        bench_pages,
        bench_reference_imports,
        bench_listings,
        bench_matching_at_size,
        bench_search_at_size,
    )
    # BENCH_ONLY=matching (or search) runs that at-size step alone (with the CPV table it
    # needs) and writes its own section, "<database>, matching at size" (or "site search").
    only = os.environ.get("BENCH_ONLY", "")
    if only == "matching":
        steps = (bench_cpv_only, bench_matching_at_size)
        vendor = f"{vendor}, matching at size"
    elif only == "match":
        steps = (bench_cpv_only, bench_match_page_at_size)
        vendor = f"{vendor}, explained match page at size"
    elif only == "search":
        steps = (bench_cpv_only, bench_search_at_size)
        vendor = f"{vendor}, site search at size"
    elif only:
        print(
            f"BENCH_ONLY={only!r}: only 'matching', 'match' and 'search' are known",
            file=sys.stderr,
        )
        return 2
    for step in steps:
        print(f"  {step.__name__}", file=sys.stderr)
        rows.extend(step())
    section = [
        f"## {vendor}",
        "",
        f"- Machine: {machine()}",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
        *([HOW_AT_SIZE] if only == "matching" else []),
        *([HOW_SEARCH] if only == "search" else []),
        *([HOW_MATCH_PAGE] if only == "match" else []),
        "",
        "| what | size | result |",
        "| --- | --- | --- |",
        *(f"| {what} | {size} | {result} |" for what, size, result in rows),
        "",
    ]
    out = ROOT / "docs" / "benchmarks.md"
    out.write_text(merge_section(out, vendor, "\n".join(section)))
    print("\n".join(section))
    print(f"written to {out.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
