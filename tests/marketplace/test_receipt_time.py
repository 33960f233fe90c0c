"""The receipt time of a request: the server's time when the application got it, or a trusted
proxy's X-Request-Start when (and only when) that is configured and plausible."""

from __future__ import annotations

import datetime
import time

import pytest
from django.test import RequestFactory
from django.utils import timezone

from marketplace.receipt_time import ReceivedAtMiddleware, parse_request_start, received_at

NOW = datetime.datetime(2026, 10, 25, 10, 59, 59, 500000, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "value",
    ["t=1792925999.500", "1792925999.5", "t=1792925999500", "t=1792925999500000"],
)
def test_seconds_milliseconds_and_microseconds_are_read(value):
    assert parse_request_start(value) == NOW


@pytest.mark.parametrize("value", ["", "t=", "t=abc", "t=-5", "t=nan", "t=inf", "t=1e400"])
def test_nonsense_is_no_time(value):
    assert parse_request_start(value) is None


def _stamp(header: str | None = None) -> datetime.datetime:
    headers = {"X-Request-Start": header} if header is not None else {}
    request = RequestFactory().post("/", headers=headers)
    ReceivedAtMiddleware(lambda request: None)(request)
    return request.received_at


def test_the_stamp_is_the_servers_time_before_the_view_runs():
    before = timezone.now()
    stamp = _stamp()
    assert before <= stamp <= timezone.now()
    assert stamp.tzinfo is not None


def test_the_header_is_ignored_unless_a_trusted_proxy_is_configured(settings):
    settings.TRUST_X_REQUEST_START = False
    early = timezone.now() - datetime.timedelta(seconds=5)
    assert _stamp(f"t={early.timestamp():.3f}") > early + datetime.timedelta(seconds=4)


def test_a_trusted_proxys_time_is_the_receipt_time_when_plausible(settings):
    settings.TRUST_X_REQUEST_START = True
    queued = timezone.now() - datetime.timedelta(seconds=5)
    assert abs(_stamp(f"t={queued.timestamp():.6f}") - queued) < datetime.timedelta(milliseconds=1)

    too_old = timezone.now() - datetime.timedelta(minutes=5)
    future = timezone.now() + datetime.timedelta(minutes=5)
    for value in (f"t={too_old.timestamp():.3f}", f"t={future.timestamp():.3f}", "t=x"):
        assert abs(_stamp(value) - timezone.now()) < datetime.timedelta(seconds=1)


def test_without_the_middleware_the_receipt_time_is_now():
    request = RequestFactory().get("/")
    before = timezone.now()
    assert before <= received_at(request) <= timezone.now()


# --- The gunicorn worker's note: when a complete request was waiting on the socket ------------


def test_the_worker_notes_a_request_only_once_it_is_complete():
    import socket

    from config.gunicorn_worker import complete_request_at

    server, client = socket.socketpair()
    with server, client:
        server.setblocking(False)
        assert complete_request_at(server) is None  # nothing yet
        client.sendall(b"POST /tilbud/x/send-inn/ HTTP/1.1\r\nContent-Length: 10\r\nHost: a\r\n")
        assert complete_request_at(server) is None  # headers not finished
        client.sendall(b"\r\ncsrf=")
        assert complete_request_at(server) is None  # body short of Content-Length
        before = time.time()
        client.sendall(b"abcde")
        noted = complete_request_at(server)
        assert noted is not None and before <= noted <= time.time()
        assert server.recv(1000).endswith(b"csrf=abcde")  # only peeked: gunicorn still reads all


def test_the_middleware_takes_the_workers_note_when_it_is_earlier():
    from marketplace.receipt_time import worker_receipt

    at = time.time() - 2
    with worker_receipt(at):
        stamp = _stamp()
    assert abs(stamp.timestamp() - at) < 0.001
    assert _stamp() > stamp + datetime.timedelta(seconds=1)  # the note ends with the request
