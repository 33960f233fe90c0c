"""Request id for logs and audit events, the client address for the refused-access tally (bound
in ``marketplace.request_context``); the TOTP requirement for buyer staff and admins."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _

from marketplace import request_context
from marketplace.accounts import has_mfa, requires_mfa
from marketplace.client_address import client_address
from marketplace.policy import remember_per_request

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Takes X-Request-ID from the proxy when it is well-formed, else makes one; echoes it back."""

    header = "HTTP_X_REQUEST_ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(self.header, "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        with request_context.bound(request_id=request_id, client_address=client_address(request)):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class RequireMFAMiddleware:
    """Sends people whose role requires TOTP (``marketplace.accounts.requires_mfa``: buyer staff,
    administrators, Wagtail editors and moderators) to set it up before anything else; the API
    answers them 403 in problem JSON instead.

    ``settings.MFA_REQUIRED_FOR_STAFF`` is the one switch; only the embedded demo turns it off.
    The check runs in ``process_view`` so that it runs after the messages middleware (it leaves
    a message saying why) and knows which view was asked for: allauth's own pages (log in and
    out, e-mail, password, MFA set-up) stay reachable, as do health checks and the language
    switch. Static files never get here (whitenoise answers them first).
    """

    allowed_url_names = frozenset(
        {"healthz", "readyz", "set_language", "javascript-catalog", "notification_unsubscribe"}
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The user this request loads is read about once (memberships, groups, TOTP) however
        # often the check here, the policy and the header ask (marketplace.policy.user_facts).
        user = getattr(request, "user", None)
        if user is not None:
            request.user = SimpleLazyObject(lambda: remember_per_request(_unwrapped(user)))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._must_set_up_mfa(request, view_func):
            return None
        match = request.resolver_match
        if match is not None and "api" in match.namespaces:
            # The API answers in problem JSON, not with a page to set up TOTP.
            return JsonResponse(
                {
                    "type": "about:blank",
                    "title": "Forbidden",
                    "status": 403,
                    "detail": _(
                        "Your role requires two-factor authentication. Set up an "
                        "authenticator app before you use the API."
                    ),
                    "code": "mfa_required",
                },
                status=403,
                content_type="application/problem+json",
            )
        messages.warning(
            request,
            _(
                "Your role requires two-factor authentication. Set up an authenticator app "
                "before you continue."
            ),
            fail_silently=True,
        )
        return redirect("mfa_activate_totp")

    def _must_set_up_mfa(self, request, view_func) -> bool:
        if not settings.MFA_REQUIRED_FOR_STAFF:
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        match = request.resolver_match
        if match is not None and match.url_name in self.allowed_url_names:
            return False
        if _is_allauth_view(view_func):
            return False
        return requires_mfa(user) and not has_mfa(user)


def _unwrapped(user):
    if isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def _is_allauth_view(view_func) -> bool:
    module = getattr(view_func, "__module__", "") or ""
    view_class = getattr(view_func, "view_class", None)
    if view_class is not None:
        module = view_class.__module__
    return module == "allauth" or module.startswith("allauth.")
