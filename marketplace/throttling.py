"""Rate limits per client address (and per account+address for failed logins).

One counter for every throttle in the product: fixed windows of the rate's period, counted in the
cache, and in the database (:class:`~marketplace.models.ThrottleCounter`) while the cache is down,
so a limit holds through a Redis outage and nothing answers 500 because of it. Keys are SHA-256
hashes: neither the cache nor the table holds an address or an e-mail address.

- Logins (:func:`login_check`, :func:`login_failed`, :func:`login_succeeded`, called by the
  account adapter): failures count per account+address and per address, never per account
  alone, so nobody can lock another person out, and a correct login from another address works
  while one address is throttled. Over the limit the login answers 429 with ``Retry-After``.
- Pages (:func:`throttle_page`, a view decorator, e.g. site search) answer 429 with
  ``Retry-After`` above ``settings.THROTTLE_RATES[scope]`` per address.
- The API uses the same counter through ``marketplace.api.auth.AddressRateThrottle``.

Rates are ``"<count>/<period>"`` in ``settings.THROTTLE_RATES``: ``"60/min"``, ``"5/15min"``.

Why not a library (checked for issue 17): django-ratelimit and DRF's own throttles count only in
Django's cache, so with Redis down they let everyone through, refuse everyone or answer 500, and
DRF's keys carry the raw address; ``limits`` stores only in memory, Redis, Memcached, MongoDB or
etcd, with no SQL store and no switch to one during an outage. None keeps a limit through a
Redis outage in the database we already run, so this counter stays; the API reaches it through a
DRF throttle.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from config.cache import CacheUnavailable
from marketplace.client_address import throttle_address
from marketplace.models import ThrottleCounter

logger = logging.getLogger(__name__)


@functools.cache
def cache_down_errors() -> tuple[type[Exception], ...]:
    """How the cache says it cannot count: config.cache's degrading cache raises
    CacheUnavailable from ``incr``, a plain RedisCache raises redis-py's own errors."""
    return (CacheUnavailable, RedisConnectionError, RedisTimeoutError)


_PERIODS = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window ends (0 when allowed)


def parse_rate(text: str) -> Rate:
    """``"60/min"`` → Rate(60, 60); ``"5/15min"`` → Rate(5, 900). Refuses anything else."""
    match = _RATE.match(text or "")
    if match is None or match.group(3) not in _PERIODS:
        raise ValueError(f"not a rate (expected e.g. '60/min' or '5/15min'): {text!r}")
    multiple = int(match.group(2) or 1)
    return Rate(limit=int(match.group(1)), seconds=multiple * _PERIODS[match.group(3)])


def rate_for(scope: str) -> Rate:
    return parse_rate(settings.THROTTLE_RATES[scope])


def _digest(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()


def _window_start(rate: Rate, now: float) -> int:
    return int(now // rate.seconds) * rate.seconds


def _cache_key(digest: str, window: int) -> str:
    return f"throttle:{digest}:{window}"


# --- the counter: cache first, database while the cache is down --------------------------------


def _cache_count(digest: str, window: int, rate: Rate, delta: int) -> int:
    key = _cache_key(digest, window)
    for _attempt in range(2):
        if delta:
            cache.add(key, 0, timeout=rate.seconds + 1)
        try:
            return cache.incr(key, delta)
        except ValueError:  # no such key: never counted, or it expired between add and incr
            if not delta:
                return 0
    return delta


def _db_count(scope: str, digest: str, window: int, rate: Rate, delta: int) -> int:
    start = datetime.fromtimestamp(window, tz=UTC)
    rows = ThrottleCounter.objects.filter(scope=scope, key=digest, window_start=start)
    if delta:
        with transaction.atomic():
            if not rows.update(count=F("count") + delta):
                try:
                    with transaction.atomic():
                        ThrottleCounter.objects.create(
                            scope=scope,
                            key=digest,
                            window_start=start,
                            expires_at=start + timedelta(seconds=rate.seconds),
                            count=delta,
                        )
                except IntegrityError:  # another request created it first
                    rows.update(count=F("count") + delta)
    return rows.values_list("count", flat=True).first() or 0


def _count(scope: str, key: str, rate: Rate, *, delta: int, window: int | None = None) -> Verdict:
    now = time.time()
    window = _window_start(rate, now) if window is None else window
    digest = _digest(scope, key)
    try:
        count = _cache_count(digest, window, rate, delta)
    except cache_down_errors() as error:
        logger.warning("Throttle %s counts in the database: cache down (%s)", scope, error)
        count = _db_count(scope, digest, window, rate, delta)
    over = count > rate.limit if delta else count >= rate.limit
    retry_after = max(1, math.ceil(window + rate.seconds - now)) if over else 0
    return Verdict(allowed=not over, count=count, retry_after=retry_after)


def hit(scope: str, key: str, *, rate: Rate | None = None) -> Verdict:
    """Count one request for ``key`` in ``scope``; allowed while the count stays within limit."""
    return _count(scope, key, rate or rate_for(scope), delta=1)


def peek(scope: str, key: str, *, rate: Rate | None = None) -> Verdict:
    """Whether one more request would be allowed, without counting it."""
    return _count(scope, key, rate or rate_for(scope), delta=0)


def first_use(scope: str, key: str, *, at: int, seconds: int) -> bool:
    """True only the first time ``key`` is seen for the window starting at ``at`` (epoch
    seconds) and lasting ``seconds``: a marker against replays (a TOTP code per time step)."""
    return _count(scope, key, Rate(limit=1, seconds=seconds), delta=1, window=at).allowed


def forget(scope: str, key: str, *, rate: Rate | None = None) -> None:
    """Clear the current window's count (a correct login clears its account+address count)."""
    rate = rate or rate_for(scope)
    window = _window_start(rate, time.time())
    digest = _digest(scope, key)
    try:
        cache.delete(_cache_key(digest, window))
    except cache_down_errors():
        pass  # nothing counted there while it is down; the database row goes below
    ThrottleCounter.objects.filter(scope=scope, key=digest).delete()


def purge_expired() -> int:
    """Delete database counters whose window has ended; the periodic task calls this."""
    deleted, _by_model = ThrottleCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


# --- 429 ------------------------------------------------------------------------------------------


def too_many_requests(request, verdict: Verdict, *, login: bool = False):
    """The 429 page, with ``Retry-After`` in seconds and the wait in minutes in the text."""
    minutes = max(1, math.ceil(verdict.retry_after / 60))
    response = render(
        request,
        "errors/429.html",
        {"minutes": minutes, "login": login},
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


def throttle_page(scope: str):
    """Decorate a view: above ``THROTTLE_RATES[scope]`` per client address it answers 429."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            verdict = hit(scope, throttle_address(request))
            if not verdict.allowed:
                return too_many_requests(request, verdict)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# --- logins -----------------------------------------------------------------------------------


def _login_keys(request, login: str) -> dict[str, str]:
    address = throttle_address(request)
    account = (login or "").strip().lower()
    return {"login_account_address": f"{account}\x00{address}", "login_address": address}


def login_check(request, login: str) -> None:
    """Before a password is checked: 429 if this address, or this account from this address,
    has failed too often. Raised as allauth's ImmediateHttpResponse (its middleware returns it)."""
    for scope, key in _login_keys(request, login).items():
        verdict = peek(scope, key)
        if not verdict.allowed:
            logger.info("Login throttled (%s) for %s s", scope, verdict.retry_after)
            raise ImmediateHttpResponse(too_many_requests(request, verdict, login=True))


def login_failed(request, login: str) -> None:
    for scope, key in _login_keys(request, login).items():
        hit(scope, key)


def login_succeeded(request, login: str) -> None:
    """A correct password clears this account's count from this address (not the address's: an
    attacker with one account of their own must not reset the count for their guesses)."""
    forget("login_account_address", _login_keys(request, login)["login_account_address"])
