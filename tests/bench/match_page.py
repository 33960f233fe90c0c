"""The explained match page at size (issue 14: tender → top 20 suppliers, p95 ≤ 150 ms at
20,000 tenders / 100,000 suppliers, ≤ 15 queries), in process, at two sizes in one run.

For a sample of BENCH_MATCH_SAMPLES tenders (default 40) at each size it times:
- the page as a buyer's procurement officer gets it (``GET /…/leverandorer/`` through the
  in-process test client: middleware, the view, its selectors and the template), with the most
  queries one request made;
- the selector alone (``suppliers_for``), what the matching bench times;
- the processor time of each page request: this process's (``time.process_time``) plus that
  of its PostgreSQL server process (``/proc/<pid>/schedstat``, when the server runs on this
  machine). On a shared machine a request mostly waits for a processor, so its wall time says
  more about the other work than about the page; the processor time is about what one request
  costs a quiet machine, and what the p95 goal can be judged on there (row left out where the
  server's process cannot be read).

Sizes come from BENCH_MATCH_PAGE_SIZES, "tenders:profiles" separated by commas (default
"2000:10000,20000:100000"). Each size is built with the matching bench's COPY data set
(``tests/bench/dataset.py``) and indexed through the product's rebuild; with
BENCH_MATCH_REUSE=1 a database that already holds a data set of that size is measured as it
is (the full size takes minutes to build on a busy machine), so give the sizes largest first to
keep the large one.
"""

from __future__ import annotations

import os
import random
import statistics
import time

from tests.bench.dataset import build, index_everything, reset
from tests.bench.matching import _percentile, combine

SIZES = os.environ.get("BENCH_MATCH_PAGE_SIZES", "2000:10000,20000:100000")
SAMPLES = int(os.environ.get("BENCH_MATCH_SAMPLES", "40"))
REUSE = os.environ.get("BENCH_MATCH_REUSE", "") == "1"
BUYER_SLUG = "benk-fylke"  # the buyer dataset.build makes


def sizes() -> list[tuple[int, int]]:
    found = []
    for spec in SIZES.split(","):
        tenders, profiles = (int(part) for part in spec.strip().split(":")[:2])
        found.append((tenders, profiles))
    return found


def _held() -> tuple[int, int]:
    """(tenders, profiles) of the data set the database holds now."""
    from marketplace.models import Organisation, SupplierProfile
    from tenders.models import Tender

    if not Organisation.objects.filter(slug=BUYER_SLUG).exists():
        return 0, 0
    return (
        Tender.objects.filter(buyer__slug=BUYER_SLUG).count(),
        SupplierProfile.objects.filter(organisation__slug__startswith="match-").count(),
    )


def _data_set(tenders: int, profiles: int) -> str:
    """Make (or, with BENCH_MATCH_REUSE=1, keep) the data set of this size; says which."""
    os.environ["BENCH_MATCH_TENDERS"] = str(tenders)
    os.environ["BENCH_MATCH_PROFILES"] = str(profiles)
    if REUSE and _held() == (tenders, profiles):
        return "kept from an earlier run"
    if _held() != (0, 0):
        reset()
    start = time.perf_counter()
    build(random.Random(2026))
    built = time.perf_counter() - start
    start = time.perf_counter()
    index_everything()
    return f"built in {built:.0f} s, indexed in {time.perf_counter() - start:.0f} s"


def _officer():
    """A procurement officer of the data set's buyer, signed in by the test client."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from marketplace.models import Membership, Organisation, Role, User

    buyer = Organisation.objects.get(slug=BUYER_SLUG)
    user, _ = User.objects.get_or_create(
        email="innkjoper@benk.test", defaults={"full_name": "Benk Innkjøper"}
    )
    Membership.objects.get_or_create(
        user=user, organisation=buyer, defaults={"role": Role.PROCUREMENT_OFFICER}
    )
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())  # buyer staff must have MFA
    return user


def _server_cpu_ms():
    """A function giving the processor time (ms) the PostgreSQL server process of this
    connection has used, or None where it cannot be read (another machine, SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    path = f"/proc/{pid}/schedstat"
    if not os.path.exists(path):
        return None

    def used() -> float:
        with open(path) as stat:
            return int(stat.read().split()[0]) / 1e6  # nanoseconds on a processor

    return used


def _timings(samples: list[float]) -> str:
    return f"p50 {statistics.median(samples):.1f} ms, p95 {_percentile(samples, 0.95):.1f} ms"


def bench_at(tenders_n: int, profiles_n: int) -> list[tuple[str, str, str]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from matching.selectors.matches import suppliers_for
    from tenders.models import Tender

    how = _data_set(tenders_n, profiles_n)
    client = Client()
    client.force_login(_officer())
    rng = random.Random(2026)
    references = sorted(
        Tender.objects.filter(buyer__slug=BUYER_SLUG).values_list("reference", flat=True)
    )
    sample = rng.sample(references, min(SAMPLES, len(references)))
    urls = [reverse("matching:tender_suppliers", kwargs={"reference": ref}) for ref in sample]
    client.get(urls[0])  # warm the connection, the caches and the templates
    load_before = os.getloadavg()[0]
    server_cpu = _server_cpu_ms()
    page, cpu, most_queries, matched = [], [], 0, 0
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            server = server_cpu() if server_cpu else 0.0
            own = time.process_time()
            start = time.perf_counter()
            response = client.get(url)
            page.append((time.perf_counter() - start) * 1000)
            used = (time.process_time() - own) * 1000
            if server_cpu:
                cpu.append(used + server_cpu() - server)
        assert response.status_code == 200, (url, response.status_code)
        most_queries = max(most_queries, len(queries))
        matched += response.content.count(b'data-testid="match"')
    selector = []
    for tender in Tender.objects.filter(reference__in=sample):
        start = time.perf_counter()
        suppliers_for(tender, limit=20)
        selector.append((time.perf_counter() - start) * 1000)
    load = f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    cpu_row = []
    if cpu:
        cpu_row = [
            (
                "  processor time per page request (this process + its PostgreSQL process)",
                "",
                _timings(cpu),
            )
        ]
    size = f"{profiles_n:,} profiles, {tenders_n:,} tenders"
    return [
        ("data set (tests/bench/dataset.py, indexed by the product's rebuild)", size, how),
        (
            "GET the explained match page, signed in (in-process client: middleware, view, "
            "template)",
            f"{len(urls)} tenders",
            f"{_timings(page)} (goal p95 ≤ 150 ms)",
        ),
        *cpu_row,
        ("  queries per request, most", "", f"{most_queries} (goal ≤ 15)"),
        ("  suppliers shown per tender, mean", "", f"{matched / len(urls):.1f}"),
        ("  the selector alone (suppliers_for)", "", _timings(selector)),
        ("  load average of the machine (1 minute; 2 cores, shared)", "", load),
    ]


def bench_match_page() -> list[tuple[str, str, str]]:
    """Every row at each size (run in the order given), reported smallest size first."""
    runs = {size: bench_at(*size) for size in sizes()}
    return combine([runs[size] for size in sorted(runs)])
