"""A Redis cache the site can live without: when Redis is unreachable, reads miss and writes do
nothing, so pages, the Wagtail site root lookup and everything else that only *speeds up* with a
cache keep working (issue 13 §4).

``DegradingRedisCache`` is Django's ``RedisCache`` with one difference: a connection or timeout
error from Redis is logged once and answered as the cache's neutral value:

=========================================  ====================================================
``get``, ``get_many``, ``has_key``         a miss (``default``, ``{}``, ``False``)
``set``, ``set_many``, ``delete``, ``…``   nothing stored; ``add`` and ``touch`` answer False
``incr``, ``decr``                         raise ``CacheUnavailable`` (a counter that silently
                                           restarted at zero would lie, e.g. to a throttle)
=========================================  ====================================================

After an error the cache does not try Redis again for ``retry_after`` seconds (an option in
``CACHES["default"]["OPTIONS"]``, default 5), so a down Redis costs one connect timeout per process
and window, not one per cache call. Code that must not lose state (rate limits that must hold,
outbox work) does not rely on the cache: it catches ``CacheUnavailable`` or keeps its state in the
database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What "Redis is not there" looks like from redis-py (refused, reset, DNS, timeouts).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class CacheUnavailable(Exception):
    """The cache could not be reached for an operation that has no safe neutral answer
    (``incr``/``decr``). Callers that count (throttles) catch it and fall back."""


class DegradingRedisCache(RedisCache):
    """Django's Redis cache, degrading to "always miss" while Redis is unreachable."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("retry_after", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0

    # --- the one place that decides ----------------------------------------------------------

    def is_down(self) -> bool:
        """Whether Redis failed within the last ``retry_after`` seconds (reads miss meanwhile)."""
        return time.monotonic() < self._down_until

    def _went_down(self, operation: str, error: Exception) -> None:
        if not self.is_down():
            logger.warning(
                "Cache unreachable (%s during %s); serving without it for %s s",
                type(error).__name__,
                operation,
                self.retry_after,
            )
        self._down_until = time.monotonic() + self.retry_after

    def _or(self, operation: str, neutral: Any, call: Callable[[], Any]) -> Any:
        if self.is_down():
            return neutral
        try:
            return call()
        except UNREACHABLE as error:
            self._went_down(operation, error)
            return neutral

    # --- reads miss --------------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        parent = super()
        return self._or("get", default, lambda: parent.get(key, default, version))

    def get_many(self, keys, version=None):
        parent = super()
        return self._or("get_many", {}, lambda: parent.get_many(keys, version))

    def has_key(self, key, version=None):
        parent = super()
        return self._or("has_key", False, lambda: parent.has_key(key, version))

    # --- writes do nothing -------------------------------------------------------------------

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._or("set", None, lambda: parent.set(key, value, timeout, version))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._or("add", False, lambda: parent.add(key, value, timeout, version))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._or("touch", False, lambda: parent.touch(key, timeout, version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._or("set_many", list(data), lambda: parent.set_many(data, timeout, version))

    def delete(self, key, version=None):
        parent = super()
        return self._or("delete", False, lambda: parent.delete(key, version))

    def delete_many(self, keys, version=None):
        parent = super()
        return self._or("delete_many", None, lambda: parent.delete_many(keys, version))

    def clear(self):
        parent = super()
        return self._or("clear", False, parent.clear)

    # --- counters say so ---------------------------------------------------------------------

    def incr(self, key, delta=1, version=None):
        if self.is_down():
            raise CacheUnavailable("The cache is unreachable; no counter can be kept in it.")
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            self._went_down("incr", error)
            raise CacheUnavailable(
                "The cache is unreachable; no counter can be kept in it."
            ) from error
