"""Liveness and readiness endpoints for load balancers and orchestrators.

``/healthz`` answers when the process is up; it touches nothing else. ``/readyz`` reports each
dependency as JSON, ``{"status": "ok"|"degraded"|"down", "checks": {name: {"ok", "detail"}}}``,
and answers 503 only when the database is down: without cache, broker or search the site degrades
but still serves. Both are public, so details name the kind of failure, never hosts or
credentials; the full error goes to the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from search.backends import get_backend

logger = logging.getLogger(__name__)

# Seconds a readiness probe may spend on one dependency.
CHECK_TIMEOUT = 2


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "detail": connection.vendor}


def _check_cache() -> dict:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    cache.set("readyz", "1", 5)
    ok = cache.get("readyz") == "1"
    if not ok and getattr(cache, "is_down", lambda: False)():
        # config.cache.DegradingRedisCache swallowed the connection error: the site serves on.
        return {"ok": False, "detail": f"{backend}: unreachable"}
    return {"ok": ok, "detail": backend if ok else f"{backend}: value not read back"}


def _check_broker() -> dict:
    from config.celery import app

    if app.conf.task_always_eager:
        return {"ok": True, "detail": "tasks run in-process"}
    with app.connection_for_write(connect_timeout=CHECK_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=CHECK_TIMEOUT)
        transport = conn.transport_cls
    return {"ok": True, "detail": str(transport)}


def _check_search() -> dict:
    """The active backend; when it cannot answer and another answers for it, say so."""
    status = get_backend().status()
    detail = f"{status.name}: {status.detail}".rstrip(": ")
    check = {"ok": status.ok, "detail": detail, "backend": status.name}
    if not status.ok and status.fallback:
        check["detail"] = f"{detail}; answering from {status.fallback}"
        check["fallback"] = status.fallback
    return check


def _run(name: str, check: Callable[[], dict]) -> dict:
    # Every client library (psycopg, redis, kombu, elasticsearch) fails in its own way; any
    # failure means "not ready" and is logged with its traceback.
    try:
        return check()
    except Exception as exc:
        logger.warning("Readiness check %s failed: %s", name, exc, exc_info=True)
        return {"ok": False, "detail": type(exc).__name__}


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": _run("database", _check_database),
        "cache": _run("cache", _check_cache),
        "broker": _run("broker", _check_broker),
        "search": _run("search", _check_search),
    }
    ready = checks["database"]["ok"]
    if all(check["ok"] for check in checks.values()):
        status = "ok"
    else:
        status = "degraded" if ready else "down"
    return JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)
