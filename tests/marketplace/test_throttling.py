"""Throttles that do not lock people out: failed logins count per account+address and per
address (never per account alone), over the limit a login answers 429 with Retry-After, a
correct login from another address still works, and the counts go to the database when the cache
is down. Site search and the API answer 429 above their per-address rates.

The cache-down tests point a real RedisCache at a closed port on 127.0.0.1: a real connection
failure, no mock.
"""

from __future__ import annotations

import socket
import time
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from marketplace import throttling
from marketplace.client_address import client_address, throttle_address
from marketplace.models import ThrottleCounter
from marketplace.tasks import purge_throttle_counters
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
LOGIN = "/en/accounts/login/"
HERE, THERE = "203.0.113.7", "198.51.100.9"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rates(settings, monkeypatch):
    """Small rates, and a throttle clock that starts a second into a fresh window: counts are
    kept in fixed windows (fifteen minutes, a minute), and a test that ran across a window's end
    would see its count start again (the clock is faked at the edge; it runs at real speed)."""
    started = time.time()
    window_start = started // 900 * 900 + 1
    monkeypatch.setattr(
        throttling, "time", SimpleNamespace(time=lambda: window_start + (time.time() - started))
    )
    settings.THROTTLE_RATES = {
        **settings.THROTTLE_RATES,
        "login_account_address": "3/15min",
        "login_address": "6/15min",
        "search": "2/min",
        "api": "2/min",
    }
    return settings.THROTTLE_RATES


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free now; nothing listens on it


PLAIN_REDIS = "django.core.cache.backends.redis.RedisCache"
DEGRADING_REDIS = "config.cache.DegradingRedisCache"


def cache_at_a_closed_port(backend: str):
    """Settings whose default cache is ``backend`` at a port nobody listens on."""
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": backend,
                "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
    )


@pytest.fixture(params=[PLAIN_REDIS, DEGRADING_REDIS])
def cache_down(request):
    """Redis is unreachable: Django's own RedisCache, and the site's degrading one."""
    with cache_at_a_closed_port(request.param):
        yield


@pytest.fixture
def site_cache_down():
    """Redis is unreachable behind the site's cache (pages other than ours use it too)."""
    with cache_at_a_closed_port(DEGRADING_REDIS):
        yield


def verified(email: str):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def log_in(client, email: str, password: str, address: str = HERE):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- the client address -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy configured: the header is anyone's to forge
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the entry our one proxy wrote
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),  # fewer entries than proxies: not through them all
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxies_only(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_ipv6_clients_are_throttled_by_their_64_network(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")

    assert throttle_address(request) == "2001:db8:1:2::"


def test_rates_are_read_strictly():
    assert throttling.parse_rate("60/min") == throttling.Rate(60, 60)
    assert throttling.parse_rate("5/15min") == throttling.Rate(5, 900)
    with pytest.raises(ValueError, match="not a rate"):
        throttling.parse_rate("60 per minute")


# --- logins -------------------------------------------------------------------------------------


def test_failed_logins_throttle_the_account_from_that_address_with_429(client, rates):
    user = verified("angrepet@example.test")
    for _ in range(3):
        assert log_in(client, user.email, "wrong password").status_code == 200

    throttled = log_in(client, user.email, PASSWORD)

    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 15 * 60
    assert "Wait" in throttled.content.decode() or "Vent" in throttled.content.decode()
    assert not logged_in(client)


def test_the_owner_still_logs_in_from_another_address(client, rates):
    user = verified("angrepet@example.test")
    for _ in range(5):
        log_in(client, user.email, "wrong password", address=HERE)

    log_in(client, user.email, PASSWORD, address=THERE)

    assert logged_in(client)


def test_behind_a_proxy_each_client_counts_for_itself(client, rates, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = verified("kollega@example.test")
    for _ in range(5):
        client.post(
            LOGIN,
            {"login": user.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=HERE,
        )

    client.post(
        LOGIN,
        {"login": user.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",  # the same proxy
        HTTP_X_FORWARDED_FOR=THERE,
    )

    assert logged_in(client)


def test_one_address_guessing_many_accounts_is_throttled(client, rates):
    for number in range(6):
        log_in(client, f"person{number}@example.test", "guess")
    victim = verified("neste@example.test")

    response = log_in(client, victim.email, PASSWORD)

    assert response.status_code == 429
    assert "Retry-After" in response


def test_a_correct_login_clears_its_own_failures(client, rates):
    user = verified("glemsk@example.test")
    for _ in range(2):
        log_in(client, user.email, "wrong password")
    log_in(client, user.email, PASSWORD)
    client.logout()

    for _ in range(2):
        assert log_in(client, user.email, "wrong again").status_code == 200
    log_in(client, user.email, PASSWORD)

    assert logged_in(client)


def test_login_counts_in_the_database_while_the_cache_is_down(client, rates, cache_down):
    user = verified("under.utfall@example.test")
    for _ in range(3):
        assert log_in(client, user.email, "wrong password").status_code == 200
    assert ThrottleCounter.objects.filter(scope="login_account_address").get().count == 3

    throttled = log_in(client, user.email, PASSWORD)
    assert throttled.status_code == 429
    assert "Retry-After" in throttled

    log_in(client, user.email, PASSWORD, address=THERE)
    assert logged_in(client)


def test_expired_database_counters_are_purged(rates, site_cache_down):
    request = RequestFactory().post("/", REMOTE_ADDR=HERE)
    throttling.login_failed(request, "someone@example.test")
    assert ThrottleCounter.objects.count() == 2
    ThrottleCounter.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert purge_throttle_counters() == 2
    assert not ThrottleCounter.objects.exists()


# --- site search and the API --------------------------------------------------------------------


def test_site_search_answers_429_with_retry_after_above_its_rate(client, rates):
    for _ in range(2):
        assert client.get("/en/sok/", {"q": "sensor"}, REMOTE_ADDR=HERE).status_code == 200

    response = client.get("/en/sok/", {"q": "sensor"}, REMOTE_ADDR=HERE)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert client.get("/en/sok/", {"q": "sensor"}, REMOTE_ADDR=THERE).status_code == 200


def test_the_api_answers_429_as_a_problem_above_its_rate(client, rates):
    for _ in range(2):
        assert client.get("/api/tenders/", REMOTE_ADDR=HERE).status_code == 200

    response = client.get("/api/tenders/", REMOTE_ADDR=HERE)

    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_search_and_api_throttles_hold_while_the_cache_is_down(client, rates, site_cache_down):
    for _ in range(2):
        assert client.get("/api/tenders/", REMOTE_ADDR=HERE).status_code == 200
        assert client.get("/en/sok/", REMOTE_ADDR=HERE).status_code == 200

    assert client.get("/api/tenders/", REMOTE_ADDR=HERE).status_code == 429
    assert client.get("/en/sok/", REMOTE_ADDR=HERE).status_code == 429


# --- TOTP codes ---------------------------------------------------------------------------------


@pytest.fixture
def totp_person(settings):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    settings.MFA_TOTP_TOLERANCE = 1  # a 30-second step may end between code and post
    user = verified("totp@example.test")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def current_code(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def give_code(client, code: str, address: str = HERE):
    return client.post("/en/accounts/2fa/authenticate/", {"code": code}, REMOTE_ADDR=address)


def test_totp_logins_work_while_the_cache_is_down(client, totp_person, cache_down):
    user, secret = totp_person
    assert log_in(client, user.email, PASSWORD).url == "/en/accounts/2fa/authenticate/"

    give_code(client, current_code(secret))

    assert logged_in(client)


def test_a_totp_code_is_accepted_once(client, totp_person):
    user, secret = totp_person
    code = current_code(secret)
    log_in(client, user.email, PASSWORD)
    give_code(client, code)
    assert logged_in(client)
    client.logout()

    log_in(client, user.email, PASSWORD, address=THERE)
    replayed = give_code(client, code, address=THERE)

    assert replayed.status_code == 200 and not logged_in(client)


def test_a_totp_code_is_accepted_once_while_the_cache_is_down(client, totp_person, cache_down):
    user, secret = totp_person
    code = current_code(secret)
    log_in(client, user.email, PASSWORD)
    give_code(client, code)
    client.logout()

    log_in(client, user.email, PASSWORD, address=THERE)
    give_code(client, code, address=THERE)

    assert not logged_in(client)


def test_wrong_totp_codes_are_throttled_with_429(client, totp_person, rates):
    user, secret = totp_person
    log_in(client, user.email, PASSWORD)
    for _ in range(5):
        assert give_code(client, "000000").status_code == 200

    throttled = give_code(client, current_code(secret))

    assert throttled.status_code == 429
    assert "Retry-After" in throttled
    assert not logged_in(client)
