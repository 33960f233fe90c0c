"""The client for Doffin's Notices API: submits a notice, retries when Doffin answers 5xx.

Nothing is sent unless ``DOFFIN_NOTICES_API_URL`` and ``DOFFIN_NOTICES_API_KEY`` are set. The
key goes in the Azure API Management header Doffin's portal issues subscriptions for
(``Ocp-Apim-Subscription-Key``). The path of the submit operation is a setting too
(``DOFFIN_NOTICES_API_SUBMIT_PATH``): check it against the operation in Doffin's API portal
(dof-notices-test-api / dof-notices-prod-api) before going live.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError


class DoffinNotConfigured(DomainError):
    code = "doffin_not_configured"


@dataclass(frozen=True)
class Answer:
    http_status: int | None  # None: Doffin could not be reached
    body: dict
    attempts: int

    @property
    def accepted(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300

    @property
    def refused(self) -> bool:
        return self.http_status is not None and 400 <= self.http_status < 500


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


def _post(xml: bytes) -> tuple[int, dict]:
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
            return response.status, _json(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, _json(exc.read())


def _json(content: bytes) -> dict:
    try:
        data = json.loads(content or b"{}")
    except ValueError:
        return {"text": content.decode("utf-8", "replace")[:2000]}
    return data if isinstance(data, dict) else {"data": data}


def submit(xml: bytes) -> Answer:
    """Send ``xml``; a 5xx answer or no answer is retried with growing pauses, at most
    ``DOFFIN_NOTICES_API_ATTEMPTS`` times. A 2xx or 4xx answer is final."""
    require_configured()
    attempts = settings.DOFFIN_NOTICES_API_ATTEMPTS
    status, body = None, {}
    for attempt in range(1, attempts + 1):
        try:
            status, body = _post(xml)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            status, body = None, {"error": str(exc)}
        if status is not None and status < 500:
            return Answer(status, body, attempt)
        if attempt < attempts:
            time.sleep(settings.DOFFIN_NOTICES_API_BACKOFF_SECONDS * 2 ** (attempt - 1))
    return Answer(status, body, attempts)
