"""Production refuses to start without BID_KEYS (or with an empty or malformed one)."""

from __future__ import annotations

import pytest

from bids import crypto
from tests.config.test_settings import PRODUCTION_ENV, _dotenv_sets, run


@pytest.fixture(autouse=True)
def _no_dotenv():
    if _dotenv_sets("BID_KEYS"):
        pytest.fail("a .env in the project sets BID_KEYS; this test needs it unset")


def test_production_refuses_to_start_without_bid_keys():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "BID_KEYS"}

    result = run("import django; django.setup()", env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Set the BID_KEYS environment variable" in result.stderr


@pytest.mark.parametrize("value", ["", "k1:not-a-key"])
def test_production_refuses_an_empty_or_malformed_key(value):
    env = {**PRODUCTION_ENV, "BID_KEYS": value}

    result = run(["manage.py", "check", "--deploy"], env)

    assert result.returncode != 0
    assert "bids.E001" in result.stderr + result.stdout


def test_production_starts_with_bid_keys():
    env = {**PRODUCTION_ENV, "BID_KEYS": crypto.new_key_text("k1")}

    result = run(
        "import django; django.setup(); "
        "from bids.crypto import keyring; print(keyring().current_id)",
        env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "k1"
