"""Site search at size (issue 14, part C): our search against the naive baseline, word by word.

At each size of BENCH_SEARCH_SIZES ("tenders:profiles,...", default 2,000:10,000 and
20,000:100,000) the data set of ``tests/bench/dataset.py`` is built and indexed, and the query
vocabulary is drawn from the indexed documents themselves: the 20 words most documents hold
(about half of them for the broadest), pairs of them, medium words (about 1-5 % of the
documents), rare words (at most 20 documents), pairs of a medium or rare word with a broad one,
and hostile input (no searchable word: parentheses, operators, backslashes, single letters)
next to the empty query.

Ours is what the page does before it renders: the form's query, ``get_backend().search`` (page,
total, every facet's counts) and ``facet_groups`` (the facet options as shown). A second row
times the whole page (``GET /sok/``, view and template, in-process client). The baseline is what
a plain Django page would do: ``icontains`` for every word on title, labels and body, newest
first, the total count and the first page of 20. Each query runs BENCH_SEARCH_ROUNDS times after
one warm-up; p50/p95/p99 over all runs of a group, and the ratio baseline / ours.

``BENCH_SEARCH_REUSE=1`` measures the data set the database already holds (one size, nothing
built, emptied or indexed), e.g. a copy of the load-test database.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections import Counter

SIZES = os.environ.get("BENCH_SEARCH_SIZES", "2000:10000,20000:100000")
REUSE = os.environ.get("BENCH_SEARCH_REUSE") == "1"
ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "3"))
TIMEOUT_MS = int(os.environ.get("BENCH_SEARCH_TIMEOUT_MS", "10000"))
HOSTILE = [
    "((((",
    "(" * 200,
    "a",
    "x y z",
    "%_%",
    "\\\\ \\ \\\\\\",
    "AND OR NOT",
    "og i på",
    "\"\" '' ***",
    "-- ;; ::",
    "_",
    "",
]


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def vocabulary(rng: random.Random) -> dict[str, list[str]]:
    """Query groups drawn from the words of the indexed documents (document frequencies
    counted here, in Python, from the stored text)."""
    from search.models import SearchDocument
    from search.text import is_searchable, words

    frequency: Counter[str] = Counter()
    documents = 0
    rows = SearchDocument.objects.values_list("title", "labels", "body")
    for title, labels, body in rows.iterator(chunk_size=5000):
        documents += 1
        frequency.update(
            {w for w in words(f"{title} {labels} {body}") if w.isalpha() and is_searchable(w)}
        )
    ranked = [word for word, _n in frequency.most_common()]
    broad = ranked[:20]
    medium = [w for w in ranked if 0.01 * documents <= frequency[w] <= 0.05 * documents]
    rare = [w for w in ranked if frequency[w] <= 20 and len(w) > 3]
    medium = rng.sample(medium, min(10, len(medium)))
    rare = rng.sample(rare, min(10, len(rare)))
    return {
        "the 20 broadest words, one word": broad,
        "two broad words": [f"{broad[n]} {broad[n + 1]}" for n in range(0, 20, 2)],
        "medium and rare words, one word": medium + rare,
        "medium or rare word + a broad word": [
            f"{word} {rng.choice(broad)}" for word in (medium[:5] + rare[:5])
        ],
        "no searchable word, and the empty query": HOSTILE,
    }


def _ours(text: str) -> None:
    from django.http import QueryDict

    from search.backends import get_backend
    from search.forms import SiteSearchForm, facet_groups

    params = QueryDict(mutable=True)
    params["q"] = text
    form = SiteSearchForm(params)
    assert form.is_valid(), form.errors
    query = form.query(params)
    results = get_backend().search(query)
    facet_groups(results, query)


def _naive(text: str) -> None:
    from django.db.models import Q

    from search.models import SearchDocument
    from search.queries import SupplierQuery

    rows = SearchDocument.objects.all()
    for word in SupplierQuery(text).terms:
        rows = rows.filter(
            Q(title__icontains=word) | Q(labels__icontains=word) | Q(body__icontains=word)
        )
    rows = rows.order_by("-date", "-id")
    rows.count()
    list(rows.only("kind", "object_id", "title", "url", "date")[:20])


def _timed(fn, texts: list[str]) -> tuple[list[float], int]:
    """Milliseconds per run (ROUNDS per text, after one warm-up each); runs PostgreSQL cut at
    TIMEOUT_MS count as that long."""
    from django.db import OperationalError, connection, transaction

    samples: list[float] = []
    cut = 0

    def once(text: str) -> float:
        nonlocal cut
        start = time.perf_counter()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {TIMEOUT_MS}")
                fn(text)
        except OperationalError:
            cut += 1
            return float(TIMEOUT_MS)
        return (time.perf_counter() - start) * 1000

    for text in texts:
        once(text)
    for _ in range(ROUNDS):
        for text in texts:
            samples.append(once(text))
    return samples, cut


def _page(texts: list[str]) -> list[float]:
    from django.test import Client, override_settings

    client = Client()
    samples = []
    with override_settings(THROTTLE_RATES={"search": "1000000/min"}):
        for text in texts:
            client.get("/en/sok/", {"q": text})
        for _ in range(ROUNDS):
            for text in texts:
                start = time.perf_counter()
                response = client.get("/en/sok/", {"q": text})
                samples.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (text, response.status_code)
    return samples


def _spread(samples: list[float]) -> str:
    return (
        f"p50 {statistics.median(samples):.1f} ms, p95 {_percentile(samples, 0.95):.1f} ms, "
        f"p99 {_percentile(samples, 0.99):.1f} ms"
    )


def bench_at(tenders: int, profiles: int) -> list[tuple[str, str, str]]:
    from search.models import SearchDocument
    from tests.bench.dataset import build, index_everything, reset

    rng = random.Random(2026)
    if REUSE:
        documents = SearchDocument.objects.count()
        size = f"{documents:,} documents"
        rows = [("the data set the database holds (BENCH_SEARCH_REUSE=1)", size, "reused")]
    else:
        reset()
        os.environ["BENCH_MATCH_TENDERS"] = str(tenders)
        os.environ["BENCH_MATCH_PROFILES"] = str(profiles)
        start = time.perf_counter()
        build(rng)
        index_everything()
        ready = time.perf_counter() - start
        documents = SearchDocument.objects.count()
        size = f"{documents:,} documents"
        rows = [("build and index the data set (dataset.py)", size, f"{ready:.1f} s")]
    groups = vocabulary(rng)
    every_ours: list[float] = []
    every_naive: list[float] = []
    for label, texts in groups.items():
        ours, ours_cut = _timed(_ours, texts)
        naive, naive_cut = _timed(_naive, texts)
        hostile = label.startswith("no searchable")
        if not hostile:
            every_ours += ours
            every_naive += naive
        goal = " (goal p99 ≤ 200 ms)" if hostile else ""
        cuts = f"; {ours_cut} cut at {TIMEOUT_MS} ms" if ours_cut else ""
        naive_cuts = f"; {naive_cut} cut at {TIMEOUT_MS} ms" if naive_cut else ""
        rows.append(
            (
                f"site search: {label} ({len(texts)} queries × {ROUNDS})",
                size,
                f"{_spread(ours)}{cuts}{goal}",
            )
        )
        rows.append(
            (
                "  baseline: icontains, newest first, count and first page",
                "",
                f"{_spread(naive)}{naive_cuts}; ×{_ratio(naive, ours)}",
            )
        )
    rows.append(
        (
            "site search: every one- and two-word query above",
            size,
            f"{_spread(every_ours)} (goal p95 ≤ 25 ms)",
        )
    )
    rows.append(
        (
            "  baseline on the same queries",
            "",
            f"{_spread(every_naive)}; ×{_ratio(every_naive, every_ours)} (goal ≥ 20× at p50 "
            "and p95)",
        )
    )
    texts = [text for label, group in groups.items() for text in group][::3]
    rows.append(
        (
            f"GET /en/sok/ (view and template, in-process client, {len(texts)} queries × {ROUNDS})",
            size,
            _spread(_page(texts)),
        )
    )
    return rows


def _ratio(naive: list[float], ours: list[float]) -> str:
    p50 = statistics.median(naive) / max(statistics.median(ours), 1e-6)
    p95 = _percentile(naive, 0.95) / max(_percentile(ours, 0.95), 1e-6)
    return f"{p50:.0f} at p50, ×{p95:.0f} at p95"


def sizes() -> list[tuple[int, int]]:
    found = []
    for spec in SIZES.split(","):
        tenders, profiles = (int(part) for part in spec.strip().split(":")[:2])
        found.append((tenders, profiles))
    return found


def bench_search() -> list[tuple[str, str, str]]:
    """Every figure at each size, then side by side with its growth."""
    from tests.bench.matching import combine

    if REUSE:
        return bench_at(0, 0)
    return combine([bench_at(tenders, profiles) for tenders, profiles in sizes()])
