"""Anonymous public pages from a server-side cache, and ``Cache-Control`` set deliberately
(issue 14; docs/adr/0014-page-cache.md).

:class:`PageCacheMiddleware` sits right after ``ReceivedAtMiddleware`` and
``RequestIdMiddleware``. Every response passes through it on the way out, after every other
middleware has added its headers, and gets one of three treatments:

* **public**: an anonymous GET (no session cookie, no ``Authorization``) of one of
  ``PUBLIC_VIEWS`` answered 200, setting no cookie, carrying no CSP nonce and no
  ``Cache-Control`` of its own: ``Cache-Control: public, max-age=PAGE_CACHE_MAX_AGE`` and
  ``Vary: Cookie`` (a visitor who logs in must not be shown the anonymous copy; the language is in
  the URL, so ``Accept-Language`` is dropped).
* **personal**: the request has a session cookie or ``Authorization``, or the response sets a
  cookie: ``Cache-Control: private, no-store`` unless the view said otherwise.
* anything else is left as the view made it.

Public responses are also kept in the default cache for ``PAGE_CACHE_MAX_AGE`` seconds, with
every header they left with (Content-Security-Policy, X-Frame-Options, Permissions-Policy, …), so
a hit skips the rest of the stack and is answered exactly as the page was. Only requests that
could not be anything but anonymous read the cache: GET, no ``Authorization``, no cookie other
than the CSRF and language cookies (neither changes a page without a form), and no query string
but a page number. A signed-in request never reads or writes it, so no one is ever served another
person's page.

Invalidation: every entry carries the *generation* that was current when its request started;
:func:`page_cache_invalidate` (on publish, amend, award, cancel, closing, a need's change, a
supplier profile's change, a Wagtail page published or unpublished) replaces the generation, so
older entries are never served again. What no event announces (a deadline passing while the page
is cached) is bounded by ``PAGE_CACHE_MAX_AGE``: ``Age`` on a hit counts the time already spent in
the cache, so a browser keeps it no longer than that either.

Redis down: ``config.cache.DegradingRedisCache`` answers a miss and stores nothing; pages are
rendered as if there were no cache.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from wagtail.signals import page_published, page_unpublished

from marketplace.domain_events import supplier_profile_changed

GENERATION_KEY = "pagecache:generation"
KEY_PREFIX = "pagecache:page:"

# The public pages (URL names). Everything Wagtail serves is public unless it sets a cookie
# (forms with CSRF, password-protected pages) or sends its own Cache-Control.
PUBLIC_VIEWS = frozenset(
    {
        "wagtail_serve",  # home, success stories, news, guides, events, indicators
        "tenders:opportunity_list",
        "tenders:tender_detail",
        "tenders:need_list",
        "tenders:need_detail",
        "tenders:arena_list",
        "tenders:arena_detail",
        "search:supplier_directory",
        "marketplace:supplier_detail",
    }
)
# Query strings that may be answered from the cache: none, or a page number. Filters and search
# words are not cached, so no one can fill the cache (and push out throttle counters) with them.
_CACHEABLE_QUERY = re.compile(r"^(page=[0-9]{1,4})?$")
# Headers that belong to one answer, not to the page.
_NOT_STORED = frozenset({"age", "x-cache", "x-request-id", "set-cookie", "date"})
# Paths that are never a public page: no cache lookup at all (health checks stay as cheap as the
# stack allows, static files are whitenoise's).
_NEVER_PUBLIC = (
    "/static/",
    "/media/",
    "/api/",
    "/healthz",
    "/readyz",
    "/cms-admin/",
    "/django-admin/",
    "/documents/",
    "/i18n/",
)


def page_cache_invalidate(**kwargs) -> None:
    """Make every cached page stale (a new generation), once the current transaction commits.

    A receiver for every event that changes what a public page shows; ``kwargs`` are ignored."""
    transaction.on_commit(_new_generation, robust=True)


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def kept_entry(key: str) -> tuple[str, dict | None]:
    """``(generation, entry)``: the current generation (one is started when the cache has none:
    the first request since it was emptied, or Redis is down and this stores nothing) and what
    :func:`keep` put under ``key`` if it is of that generation and its lifetime has not run out
    (whatever the backend's own expiry does), else None. The page cache and the fragments that
    follow its generation (the tender page's shared parts) read it here."""
    found = cache.get_many([GENERATION_KEY, key])
    generation, entry = found.get(GENERATION_KEY), found.get(key)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.add(GENERATION_KEY, generation, timeout=None)
        return generation, None
    # (An entry kept by an older release has no "until": it is simply stale.)
    if (
        entry is None
        or entry.get("generation") != generation
        or time.time() >= entry.get("until", 0)
    ):
        return generation, None
    return generation, entry


def keep(key: str, generation: str, lifetime: float, **values) -> None:
    """Keep ``values`` under ``key`` for ``lifetime`` seconds, valid while ``generation`` is the
    current one (read with :func:`kept_entry`)."""
    now = time.time()
    entry = {"generation": generation, "stored_at": now, "until": now + lifetime, **values}
    cache.set(key, entry, timeout=math.ceil(lifetime))


def connect() -> None:
    """Wagtail's page signals and the marketplace's own events (MarketplaceConfig.ready); the
    tenders app connects its events itself (marketplace never imports tenders)."""
    supplier_profile_changed.connect(page_cache_invalidate, dispatch_uid="page_cache.profile")
    page_published.connect(page_cache_invalidate, dispatch_uid="page_cache.page_published")
    page_unpublished.connect(page_cache_invalidate, dispatch_uid="page_cache.page_unpublished")


def _has_personal_state(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META


def _cache_key(request) -> str | None:
    """The key of this request's page, or None when the cache must not be used for it."""
    if not settings.PAGE_CACHE_ENABLED or request.method != "GET":
        return None
    if request.path.startswith(_NEVER_PUBLIC):
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    harmless = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    if not set(request.COOKIES) <= harmless:
        return None
    query = request.META.get("QUERY_STRING", "")
    if not _CACHEABLE_QUERY.match(query):
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # the stack answers it (400)
    address = f"{request.scheme}://{host}{request.path}?{query}"
    return KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def _is_public(request, response) -> bool:
    match = request.resolver_match
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.streaming
        and match is not None
        and match.view_name in PUBLIC_VIEWS
        and not _has_personal_state(request)
        and not response.cookies
        and not response.has_header("Cache-Control")
        and "'nonce-" not in response.get("Content-Security-Policy", "")
    )


def _mark(request, response) -> bool:
    """Set Cache-Control and Vary; True when the response is public."""
    if _is_public(request, response):
        response["Cache-Control"] = f"public, max-age={settings.PAGE_CACHE_MAX_AGE}"
        # The language comes from the URL (i18n_patterns), never from Accept-Language, which
        # LocaleMiddleware names for unprefixed paths anyway; Cookie stays (signed in or not).
        vary = [
            name.strip()
            for name in response.get("Vary", "").split(",")
            if name.strip() and name.strip().lower() not in {"accept-language", "cookie"}
        ]
        response["Vary"] = ", ".join([*vary, "Cookie"])
        return True
    personal = _has_personal_state(request) or bool(response.cookies)
    if personal and not response.has_header("Cache-Control"):
        response["Cache-Control"] = "private, no-store"
    return False


class PageCacheMiddleware:
    """Answers anonymous public pages from the cache; marks every response's cacheability."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _cache_key(request)
        if key is None:
            response = self.get_response(request)
            _mark(request, response)
            return response
        generation, entry = kept_entry(key)
        if entry is not None:
            return self._from_cache(entry)
        response = self.get_response(request)
        if _mark(request, response):
            self._store(key, generation, response)
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def _store(key: str, generation: str, response) -> None:
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in _NOT_STORED
        ]
        keep(
            key,
            generation,
            settings.PAGE_CACHE_MAX_AGE,
            status=response.status_code,
            headers=headers,
            content=response.content,
        )

    def _from_cache(self, entry) -> HttpResponse:
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        # Time already spent here counts against the browser's max-age (RFC 9111 §5.1).
        response["Age"] = str(max(0, int(time.time() - entry["stored_at"])))
        response["X-Cache"] = "hit"
        return response
