"""The client for Doffin's Notices API: submits a notice, retries (``tenacity``) when Doffin
answers 5xx or 429 or cannot be reached.

Nothing is sent unless ``DOFFIN_NOTICES_API_URL`` and ``DOFFIN_NOTICES_API_KEY`` are set. The
key goes in the Azure API Management header Doffin's portal issues subscriptions for
(``Ocp-Apim-Subscription-Key``). The path of the submit operation is a setting too
(``DOFFIN_NOTICES_API_SUBMIT_PATH``): check it against the operation in Doffin's API portal
(dof-notices-test-api / dof-notices-prod-api) before going live.
"""

from __future__ import annotations

import dataclasses
import datetime
import email.utils
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import tenacity
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError

logger = logging.getLogger(__name__)

# Doffin's Retry-After is obeyed up to this many seconds: the sending task holds the
# submission's row lock while it waits.
RETRY_AFTER_CAP_SECONDS = 60.0


class DoffinNotConfigured(DomainError):
    code = "doffin_not_configured"


@dataclasses.dataclass(frozen=True)
class Answer:
    http_status: int | None  # None: Doffin could not be reached
    body: dict
    attempts: int

    @property
    def accepted(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300

    @property
    def refused(self) -> bool:
        """Doffin refused the notice (4xx); 429 only asks us to come back later."""
        return self.http_status is not None and 400 <= self.http_status < 500 and not self.busy

    @property
    def busy(self) -> bool:
        """Worth another try: no answer, a 5xx or 429 Too Many Requests."""
        return self.http_status is None or self.http_status >= 500 or self.http_status == 429


def is_configured() -> bool:
    return bool(settings.DOFFIN_NOTICES_API_URL and settings.DOFFIN_NOTICES_API_KEY)


def require_configured() -> None:
    if not is_configured():
        raise DoffinNotConfigured(
            _(
                "Sending to Doffin is not configured (DOFFIN_NOTICES_API_URL and "
                "DOFFIN_NOTICES_API_KEY); nothing was sent."
            )
        )


def _post(xml: bytes) -> tuple[int, dict, str | None]:
    """POST ``xml`` once: the status, the JSON body and the Retry-After header, if any."""
    url = settings.DOFFIN_NOTICES_API_URL.rstrip("/") + settings.DOFFIN_NOTICES_API_SUBMIT_PATH
    request = urllib.request.Request(  # noqa: S310 - the URL is an https setting
        url,
        data=xml,
        method="POST",
        headers={
            "Content-Type": "application/xml",
            "Accept": "application/json",
            "Ocp-Apim-Subscription-Key": settings.DOFFIN_NOTICES_API_KEY,
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.DOFFIN_NOTICES_API_TIMEOUT_SECONDS
        ) as response:
            return response.status, _json(response.read()), None
    except urllib.error.HTTPError as exc:
        return exc.code, _json(exc.read()), exc.headers.get("Retry-After")


def _json(content: bytes) -> dict:
    try:
        data = json.loads(content or b"{}")
    except ValueError:
        return {"text": content.decode("utf-8", "replace")[:2000]}
    return data if isinstance(data, dict) else {"data": data}


@dataclasses.dataclass(frozen=True)
class _Reply:
    http_status: int | None
    body: dict
    retry_after: str | None = None

    @property
    def answer(self) -> Answer:  # ``attempts`` is filled in by ``submit``
        return Answer(self.http_status, self.body, 0)


def _attempt(xml: bytes) -> _Reply:
    try:
        return _Reply(*_post(xml))
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        return _Reply(None, {"error": str(exc)})


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After in seconds (RFC 9110: a number of seconds or an HTTP date), capped."""
    if not value:
        return None
    if value.strip().isdigit():
        seconds = float(value.strip())
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # "-0000": UTC, as HTTP dates are
            when = when.replace(tzinfo=datetime.UTC)
        seconds = (when - datetime.datetime.now(datetime.UTC)).total_seconds()
    return min(max(seconds, 0.0), RETRY_AFTER_CAP_SECONDS)


class _wait_doffin(tenacity.wait.wait_base):
    """Exponential pauses (``DOFFIN_NOTICES_API_BACKOFF_SECONDS`` doubling), or longer when
    Doffin's Retry-After asks for it."""

    def __init__(self) -> None:
        self.exponential = tenacity.wait_exponential(
            multiplier=settings.DOFFIN_NOTICES_API_BACKOFF_SECONDS, exp_base=2
        )

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        pause = self.exponential(retry_state)
        asked = _retry_after_seconds(retry_state.outcome.result().retry_after)
        return pause if asked is None else max(pause, asked)


def _log_retry(retry_state: tenacity.RetryCallState) -> None:
    answer = retry_state.outcome.result().answer
    logger.warning(
        "Doffin answered %s (attempt %d of %d); trying again in %.1f s",
        answer.http_status if answer.http_status is not None else answer.body.get("error"),
        retry_state.attempt_number,
        settings.DOFFIN_NOTICES_API_ATTEMPTS,
        retry_state.upcoming_sleep,
    )


def submit(xml: bytes, *, sleep: Callable[[float], None] = time.sleep) -> Answer:
    """Send ``xml``; no answer, a 5xx or a 429 is retried with growing pauses (or Doffin's
    Retry-After), at most ``DOFFIN_NOTICES_API_ATTEMPTS`` times in all. Any other answer is
    final. ``sleep`` is the clock's, replaceable in tests."""
    require_configured()
    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(settings.DOFFIN_NOTICES_API_ATTEMPTS),
        wait=_wait_doffin(),
        retry=tenacity.retry_if_result(lambda reply: reply.answer.busy),
        before_sleep=_log_retry,
        retry_error_callback=lambda retry_state: retry_state.outcome.result(),
        sleep=sleep,
    )
    reply = retrying(_attempt, xml)
    return dataclasses.replace(reply.answer, attempts=retrying.statistics["attempt_number"])
