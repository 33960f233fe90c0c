"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser per test session; each test gets a fresh context (cookies, viewport). Tests are
marked ``browser``; tests/conftest.py skips them where Chromium is missing (and fails in CI).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices: no finding of any impact.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


@dataclass(frozen=True)
class KnownFinding:
    """An axe finding not fixed yet: ignored by the checks below, listed in the statement.

    ``rule`` is axe's rule id, ``path`` a regular expression the page's path must match (both
    language prefixes), ``criterion`` the WCAG success criterion the accessibility statement
    lists it under (tests/cms/test_accessibility_statement.py fails when it does not), ``owner``
    who fixes it and ``reason`` why it is still there.
    """

    rule: str
    path: str
    criterion: str
    owner: str
    reason: str


# Keep this list short and true: each entry must also be in the accessibility statement.
KNOWN_FINDINGS: list[KnownFinding] = []


def _is_known(violation: dict, path: str) -> bool:
    return any(
        finding.rule == violation["id"] and re.search(finding.path, path)
        for finding in KNOWN_FINDINGS
    )


def axe_violations(axe, page) -> list[dict]:
    """axe's findings on the page as it is now, less the known findings."""
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    path = urlsplit(page.url).path
    return [v for v in results.response["violations"] if not _is_known(v, path)]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Make pages on the live server: ``new_page(width=320, user=someone)``."""
    from django.conf import settings
    from django.test import Client

    contexts = []

    def make(*, width: int = 1280, height: int = 800, user=None):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": live_server.url,
                    }
                ]
            )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def format_violations(violations: list[dict]) -> str:
    """axe's findings as a readable list: rule, impact, what to fix and where."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}\n"
            f"  {violation.get('helpUrl', '')}"
        )
        for node in violation.get("nodes", []):
            target = " ".join(str(part) for part in node.get("target", []))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {summary}")
            lines.append(f"       {node.get('html', '')[:200]}")
    return "\n".join(lines)


FINITE_ANIMATIONS_DONE = """() => document.getAnimations().every(
    (a) => a.playState !== "running" || a.effect?.getTiming().iterations === Infinity
)"""


@pytest.fixture
def assert_accessible(axe):
    def check(page) -> None:
        # Judge the page as it rests: a dialog still fading in has the colours of its fade.
        page.wait_for_function(FINITE_ANIMATIONS_DONE, timeout=5_000)
        violations = axe_violations(axe, page)
        assert not violations, (
            f"{len(violations)} axe finding(s) (WCAG 2.2 A/AA, best practice) on {page.url}:\n"
            + format_violations(violations)
        )

    return check
