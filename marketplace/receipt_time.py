"""The one place that decides when a request was received (a bid's deadline is judged on it).

``ReceivedAtMiddleware`` is first in ``MIDDLEWARE``: it stamps ``request.received_at`` with the
server's time as soon as the application has the request, before sessions, locks or any other
waiting. Earlier still, gunicorn's worker (``config.gunicorn_worker``) notes when a complete
request was waiting on the socket, before it queued for a thread; when there is such a note
(:func:`worker_receipt`), it is the receipt time.

Behind a reverse proxy that writes
``X-Request-Start`` itself (nginx: ``proxy_set_header X-Request-Start "t=${msec}";``, which also
overwrites whatever a client sent), ``settings.TRUST_X_REQUEST_START`` makes the proxy's time the
receipt time. It is off by default: without such a proxy a client could set the header. Even
when trusted, a value later than the server's own time, or older than
``REQUEST_START_MAX_AGE``, is ignored.
"""

from __future__ import annotations

import contextlib
import datetime
import threading
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone

# A proxy time further back than this is not a queue but a wrong clock or a replayed header.
REQUEST_START_MAX_AGE = datetime.timedelta(seconds=60)
# The proxy's and the server's clocks may differ this much; a later proxy time counts as now.
REQUEST_START_SKEW = datetime.timedelta(seconds=1)


_worker = threading.local()


@contextlib.contextmanager
def worker_receipt(at: float | None) -> Iterator[None]:
    """While a worker thread answers a request: when (epoch seconds) the server had all of it."""
    _worker.at = at
    try:
        yield
    finally:
        _worker.at = None


def _worker_time(now: datetime.datetime) -> datetime.datetime | None:
    at = getattr(_worker, "at", None)
    if at is None:
        return None
    noted = datetime.datetime.fromtimestamp(at, tz=datetime.UTC)
    return noted if now - REQUEST_START_MAX_AGE <= noted <= now else None


def parse_request_start(value: str) -> datetime.datetime | None:
    """``t=1767787200.123`` (seconds, nginx's ``${msec}``), or whole milliseconds or
    microseconds since the epoch, with or without ``t=``; None when it is none of these."""
    text = value.strip().removeprefix("t=")
    try:
        number = float(text)
    except ValueError:
        return None
    if not number > 0 or number == float("inf"):
        return None
    if number > 1e14:  # microseconds
        number /= 1_000_000
    elif number > 1e11:  # milliseconds
        number /= 1000
    try:
        return datetime.datetime.fromtimestamp(number, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def request_start(request, now: datetime.datetime) -> datetime.datetime | None:
    """The trusted proxy's receipt time of ``request``, when configured and plausible."""
    if not settings.TRUST_X_REQUEST_START:
        return None
    start = parse_request_start(request.META.get("HTTP_X_REQUEST_START", ""))
    if start is None or start > now + REQUEST_START_SKEW or start < now - REQUEST_START_MAX_AGE:
        return None
    return min(start, now)


class ReceivedAtMiddleware:
    """Stamps ``request.received_at`` (an aware UTC datetime) before anything else runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = timezone.now()
        request.received_at = min(
            stamp
            for stamp in (request_start(request, now), _worker_time(now), now)
            if stamp is not None
        )
        return self.get_response(request)


def received_at(request) -> datetime.datetime:
    """When ``request`` was received: the middleware's stamp, or now without the middleware."""
    return getattr(request, "received_at", None) or timezone.now()
