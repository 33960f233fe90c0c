"""Sessions in the database, read from the cache (issue 14): a signed-in page asks nothing of the
database for its session while the cache is warm.

Django's ``cached_db`` engine writes every session to the database first and keeps a copy in the
default cache; a miss, or Redis being down (``config.cache.DegradingRedisCache`` answers a miss
and stores nothing), reads the database, so no one is signed out by an outage.

One thing ``cached_db`` does not bound: a copy it could not delete (someone logs out, or an idle
session ends, while Redis is unreachable) would be read again once Redis is back, for as long as
the session's own expiry (weeks). Here a cached copy lives at most ``CACHED_COPY_MAX_AGE``
seconds, so a session ended during an outage is gone from the cache within that time; an active
session is read from the database once per that time.

And a cache that raises when Redis is unreachable (a plain ``RedisCache`` rather than the
degrading one) is treated as the degrading one is: a miss, nothing stored or deleted, so logins
and signed-in pages never depend on it.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db
from django.core.cache.backends.base import DEFAULT_TIMEOUT

from config.cache import UNREACHABLE

logger = logging.getLogger(__name__)

# The longest a cached copy of a session is kept (seconds).
CACHED_COPY_MAX_AGE = 5 * 60


class _ShortLivedCopies:
    """The session cache, with every copy's lifetime capped at ``CACHED_COPY_MAX_AGE``, and an
    unreachable Redis answered as a miss (see the module docstring)."""

    def __init__(self, cache) -> None:
        self._cache = cache

    def __getattr__(self, name):
        return getattr(self._cache, name)

    def _or(self, operation: str, neutral, call):
        try:
            return call()
        except UNREACHABLE as error:
            logger.warning(
                "Session cache unreachable (%s during %s)", type(error).__name__, operation
            )
            return neutral

    def __contains__(self, key) -> bool:
        return self._or("has_key", False, lambda: key in self._cache)

    def get(self, key, default=None, version=None):
        return self._or("get", default, lambda: self._cache.get(key, default, version))

    def delete(self, key, version=None):
        return self._or("delete", False, lambda: self._cache.delete(key, version))

    @staticmethod
    def _capped(timeout):
        if timeout is DEFAULT_TIMEOUT or timeout is None:
            return CACHED_COPY_MAX_AGE
        return min(timeout, CACHED_COPY_MAX_AGE)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(
            "set", None, lambda: self._cache.set(key, value, self._capped(timeout), version)
        )

    async def aset(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return await self._cache.aset(key, value, self._capped(timeout), version)


class SessionStore(cached_db.SessionStore):
    """``cached_db`` whose cached copies are short-lived (see the module docstring)."""

    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _ShortLivedCopies(self._cache)
