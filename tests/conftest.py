"""Shared fixtures: actors (anonymous, supplier, buyer, editor clients) and service guards.

Tests that need Redis or Chromium are marked. Where the service is missing they are skipped on a
developer's machine with the reason, and fail in CI (``CI=true``), where .ci/run provides both.
"""

from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing_service(item) -> str | None:
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        return "needs Redis: set REDIS_URL (.ci/run does)"
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    return None


def pytest_runtest_setup(item):
    reason = _missing_service(item)
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test but a service is missing: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads in tests go to a fresh folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
