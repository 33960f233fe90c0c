"""/healthz and /readyz, against real services: this machine's Redis, a port nobody listens on, and
a gunicorn process (our gunicorn.conf.py) whose database is unreachable."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOBODY = "redis://127.0.0.1:1/0"  # port 1: connection refused at once


@pytest.fixture
def celery_broker():
    """Point the Celery app at a broker for one test (tasks no longer in-process), then restore."""
    from config.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}

    def use(url: str) -> None:
        app.conf.task_always_eager = False
        app.conf.broker_url = url

    yield use
    app.conf.update(saved)


def test_healthz_answers_without_touching_anything(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_each_dependency(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "search"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["broker"]["detail"] == "tasks run in-process"


@pytest.mark.redis
@pytest.mark.django_db
def test_readyz_with_redis_as_cache_and_broker(client, settings, celery_broker):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "readyz-test",
        }
    }
    celery_broker(os.environ["REDIS_URL"])

    response = client.get("/readyz")

    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["cache"] == {"ok": True, "detail": "RedisCache"}
    assert checks["broker"] == {"ok": True, "detail": "redis"}
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_readyz_degrades_when_the_broker_is_down(client, celery_broker):
    celery_broker(NOBODY)

    started = time.monotonic()
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert "127.0.0.1" not in json.dumps(body)  # public: no hosts in the answer
    assert time.monotonic() - started < 10


@pytest.mark.django_db
def test_readyz_degrades_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": NOBODY}
    }

    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"] == {"ok": False, "detail": "ConnectionError"}
    assert body["checks"]["database"]["ok"] is True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (local http)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_readyz_answers_503_when_the_database_is_down(tmp_path):
    # given gunicorn (our config) serving the site with a database nobody listens on
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "ELASTICSEARCH_URL", "CELERY_BROKER_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL="postgres://root@127.0.0.1:1/nowhere",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    if _get(f"{base}/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                assert server.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "gunicorn did not start in 30 s"
                time.sleep(0.2)

            # when
            status, body = _get(f"{base}/readyz", {"X-Request-ID": "probe-db-down-1"})
        finally:
            server.terminate()
            server.wait(timeout=15)

    # then
    assert status == 503
    answer = json.loads(body)
    assert answer["status"] == "down"
    assert answer["checks"]["database"]["ok"] is False
    assert answer["checks"]["database"]["detail"] == "OperationalError"
    assert answer["checks"]["cache"]["ok"] is True
    # and gunicorn's access log carries the request id
    assert 'GET /readyz HTTP/1.1" 503' in log_path.read_text()
    assert "request_id=probe-db-down-1" in log_path.read_text()
