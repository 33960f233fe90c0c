"""How scripts/loadtest.py judges its figures (goals, failures, the table): no server needed."""

from __future__ import annotations

from collections import Counter

import pytest

from scripts.load_generators import DriveResult, WrkResult
from scripts.loadtest import Options, Page, Row, goal_text, merge_section, problems_of, table


def _row(
    page: Page, rps: float, *, ceiling: float = 1000, non_2xx: int = 0, half_statuses=None
) -> Row:
    half = DriveResult(rate=rps / 2, seconds=10, latencies_ms=[float(n) for n in range(1, 101)])
    half.statuses = Counter(half_statuses or {200: 100})
    saturation = WrkResult(requests=int(rps * 10), seconds=10, rps=rps, non_2xx_3xx=non_2xx)
    return Row(page, saturation, half, ceiling=ceiling)


def test_cached_pages_are_held_to_a_thousand_requests_a_second():
    page = Page("home", "/", goal="cached")

    assert goal_text(_row(page, 1000.0, ceiling=5000)) == ("≥ 1,000 req/s", "yes")
    assert goal_text(_row(page, 999.9, ceiling=500)) == ("≥ 1,000 req/s", "no")


def test_uncached_tender_detail_is_held_to_a_share_of_healthz():
    page = Page("tender", "/konkurranser/X/", session="supplier", goal="uncached")

    assert goal_text(_row(page, 150.0, ceiling=1000))[1] == "yes"
    assert goal_text(_row(page, 149.0, ceiling=1000))[1] == "no"
    assert goal_text(_row(page, 80.0, ceiling=500))[1] == "yes"


def test_a_page_without_a_goal_says_nothing():
    assert goal_text(_row(Page("search", "/sok/?q=a"), 10.0)) == ("", "")


def test_answers_other_than_200_are_problems_that_name_the_page():
    page = Page("search", "/sok/?q=kvalitet")

    assert problems_of(_row(page, 50.0)) == []
    assert problems_of(_row(page, 50.0, non_2xx=3)) == [
        "/sok/?q=kvalitet: 3 answers not 2xx/3xx and 0 socket errors at saturation"
    ]
    [problem] = problems_of(_row(page, 50.0, half_statuses={200: 90, 429: 10}))
    assert problem.startswith("/sok/?q=kvalitet: 10 not 200 at half rate")


def test_the_table_gives_each_page_its_share_of_the_ceiling_measured_next_to_it():
    rows = [
        _row(Page("/healthz", "/healthz"), 1000.0, ceiling=1000.0),
        _row(Page("home", "/", goal="cached"), 250.0, ceiling=500.0),
    ]

    lines = table(rows)

    assert lines[2].startswith("| /healthz | 1,000.0 | 1,000 | 100.0% | 10.0/s | 50.0 ms |")
    assert lines[3] == (
        "| home | 250.0 | 500 | 50.0% | 10.0/s | 50.0 ms | 95.0 ms | ≥ 1,000 req/s | no |"
    )


def test_options_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOADTEST_TENDERS", "2000")
    monkeypatch.setenv("LOADTEST_PROFILES", "10000")
    monkeypatch.setenv("LOADTEST_KEEP", "1")
    monkeypatch.setenv("LOADTEST_WRITE", "0")
    monkeypatch.delenv("LOADTEST_REUSE", raising=False)
    monkeypatch.delenv("LOADTEST_DATABASE_URL", raising=False)

    options = Options.from_environment()

    assert (options.tenders, options.profiles, options.keep, options.reuse, options.write) == (
        2000,
        10000,
        True,
        False,
        False,
    )
    assert options.database_url == "postgres://root@127.0.0.1:5432/pm_loadtest"


DOC = """# Benchmarks

Intro.

## postgres

| a | b |

## HTTP load test: 2,000 tenders, 10,000 suppliers

old figures

## sqlite

| c | d |
"""


def test_a_new_section_goes_at_the_end_and_the_others_stay_as_they_are():
    merged = merge_section(DOC, "## HTTP load test: 20,000 tenders, 100,000 suppliers\n\nnew\n")

    assert merged.startswith(DOC)
    assert merged.endswith(
        "## sqlite\n\n| c | d |\n\n## HTTP load test: 20,000 tenders, 100,000 suppliers\n\nnew\n"
    )


def test_a_section_of_the_same_heading_is_replaced_where_it_stands():
    merged = merge_section(DOC, "## HTTP load test: 2,000 tenders, 10,000 suppliers\n\nnew\n")

    assert merged == DOC.replace("old figures", "new")


def test_a_page_filter_keeps_the_ceiling_first_and_names_unknown_pages():
    from scripts.drill_support import DrillError
    from scripts.loadtest import chosen

    ceiling = Page("/healthz (ceiling)", "/healthz", key="healthz")
    detail = Page("tender detail", "/konkurranser/X/", key="tender_detail")
    home = Page("home", "/", key="home")

    assert chosen([ceiling, detail, home], ()) == [ceiling, detail, home]
    assert chosen([ceiling, detail, home], ("home",)) == [ceiling, home]
    with pytest.raises(DrillError, match="no page nope"):
        chosen([ceiling, detail, home], ("nope",))


def test_the_page_filter_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOADTEST_PAGES", "healthz, tender_detail_uncached")

    assert Options.from_environment().pages == ("healthz", "tender_detail_uncached")
