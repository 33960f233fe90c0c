"""A lost database connection answers 503 with Retry-After (problem JSON under /api/), not 500.

The connection is really lost: the default connection is closed and pointed at a port where
nothing listens (PostgreSQL) or at a file that cannot be opened (SQLite), so the next query fails
in the database driver exactly as it does when the server goes away.
"""

from __future__ import annotations

import socket
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free again once closed: nothing listens there


@contextmanager
def database_unreachable():
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": str(_closed_port())})
    else:
        connection.settings_dict["NAME"] = "/nonexistent-directory/pilotmarked.sqlite3"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def test_pages_answer_503_with_retry_after():
    client = Client(raise_request_exception=False)
    with database_unreachable():
        response = client.get("/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "Midlertidig utilgjengelig" in response.content.decode()


def test_the_api_answers_problem_json():
    client = Client(raise_request_exception=False)
    with database_unreachable():
        response = client.get("/api/cpv/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0
    problem = response.json()
    assert problem["status"] == 503 and problem["code"] == "database_unavailable"


def test_other_errors_are_still_500(settings):
    """Only a lost connection is 503; a bug stays a 500 (the page that says it was logged)."""
    from django.urls import path

    def broken(request):
        raise ZeroDivisionError("a bug")

    import config.urls

    settings.ROOT_URLCONF = type(
        "Urls", (), {"urlpatterns": [path("broken/", broken)], "handler500": config.urls.handler500}
    )
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
