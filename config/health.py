"""Liveness and readiness endpoints for load balancers and orchestrators.

``/healthz`` answers when the process is up. ``/readyz`` reports each dependency as JSON and
answers 503 only when the database is down: the site degrades without cache, broker or search.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from search.backends import get_backend

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return {"ok": False, "detail": str(exc).splitlines()[0] if str(exc) else "unavailable"}
    return {"ok": True, "detail": connection.vendor}


def _check_cache() -> dict:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    try:
        cache.set("readyz", "1", 5)
        ok = cache.get("readyz") == "1"
    except Exception as exc:  # noqa: BLE001 - any cache client error means "not ready"
        logger.warning("Cache check failed: %s", exc)
        return {"ok": False, "detail": f"{backend}: {type(exc).__name__}"}
    return {"ok": ok, "detail": backend}


def _check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "detail": "tasks run in-process"}
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001 - kombu raises many transport-specific errors
        logger.warning("Broker check failed: %s", exc)
        return {"ok": False, "detail": type(exc).__name__}
    return {"ok": True, "detail": app.conf.broker_url.split("://", 1)[0]}


def _check_search() -> dict:
    status = get_backend().status()
    return {"ok": status.ok, "detail": f"{status.name}: {status.detail}".rstrip(": ")}


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": _check_database(),
        "cache": _check_cache(),
        "broker": _check_broker(),
        "search": _check_search(),
    }
    ready = checks["database"]["ok"]
    degraded = not all(check["ok"] for check in checks.values())
    body = {"status": "ok" if not degraded else ("degraded" if ready else "down"), "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)
