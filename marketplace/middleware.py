"""Request id for logs and audit events; the TOTP requirement for buyer staff and admins."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Takes X-Request-ID from the proxy when it is well-formed, else makes one; echoes it back."""

    header = "HTTP_X_REQUEST_ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(self.header, "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class RequireMFAMiddleware:
    """Sends buyer staff and administrators without TOTP to set it up before anything else.

    ``settings.MFA_REQUIRED_FOR_STAFF`` is the one switch; only the embedded demo turns it off.
    """

    allowed_prefixes = ("/static/", "/media/", "/healthz", "/readyz", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up_mfa(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_set_up_mfa(self, request) -> bool:
        if not settings.MFA_REQUIRED_FOR_STAFF:
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        path = request.path_info
        if path.startswith(self.allowed_prefixes) or "/accounts/" in path:
            return False
        from marketplace.accounts import has_mfa, requires_mfa

        return requires_mfa(user) and not has_mfa(user)
