"""Idle sessions end (WCAG 2.2.1: with a warning and a way to extend).

A session remembers ``[last activity, idle limit]`` (epoch seconds). People whose role requires
TOTP (buyer staff, administrators, editors: ``marketplace.accounts.requires_mfa``) get
``SESSION_IDLE_TIMEOUT_STAFF`` (30 minutes); everyone else, suppliers writing bids included,
``SESSION_IDLE_TIMEOUT`` (4 hours: a bid takes long to write, and its drafts are saved on the
server anyway). The limit is set at login and refreshed when activity is recorded.

:class:`IdleSessionMiddleware` enforces it on the server, so it holds without JavaScript: a
request after the limit logs the person out and sends them to log in again with ``next`` set to
the page they were on, so they come back to the same form. Activity is written at most once a
minute (``TOUCH_EVERY``) to keep session writes rare. The page's dialog
(templates/includes/session_timeout.html, static/js/session-timeout.js) warns
``SESSION_IDLE_WARNING`` seconds before and posts to :func:`extend` to stay logged in.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.accounts import requires_mfa

SESSION_KEY = "pilotmarked_idle"
TOUCH_EVERY = 60


def now() -> float:
    """The clock (seconds since the epoch)."""
    return time.time()


def idle_limit(user) -> int:
    if requires_mfa(user):
        return settings.SESSION_IDLE_TIMEOUT_STAFF
    return settings.SESSION_IDLE_TIMEOUT


def touch(request) -> tuple[float, int]:
    state = (now(), idle_limit(request.user))
    request.session[SESSION_KEY] = list(state)
    return state


def remaining_seconds(request) -> int | None:
    """Seconds until this session ends without activity (None when not logged in)."""
    state = request.session.get(SESSION_KEY) if request.user.is_authenticated else None
    if not state:
        return None
    last, limit = state
    # Rounded up: the page must never say "logged out" before the server has ended the session.
    return max(0, math.ceil(last + limit - now()))


@receiver(user_logged_in, dispatch_uid="idle_session_start")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = [now(), idle_limit(user)]


class IdleSessionMiddleware:
    """Ends sessions idle past their limit; records activity (after MessageMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            state = request.session.get(SESSION_KEY)
            if not state:
                state = touch(request)  # a session from before this rule
            last, limit = state
            if now() - last >= limit:
                return self._expired(request, limit)
            if now() - last >= TOUCH_EVERY:
                touch(request)
        return self.get_response(request)

    def _expired(self, request, limit: int):
        logout(request)
        minutes = max(1, limit // 60)
        messages.info(
            request,
            _(
                "You were logged out after %(minutes)s minutes without activity. Log in again "
                "to continue where you were."
            )
            % {"minutes": minutes},
            fail_silently=True,
        )
        match = request.resolver_match
        if request.path.startswith("/api/") or (match and "api" in match.namespaces):
            return self.get_response(request)  # the API answers anonymous requests itself
        back = request.get_full_path() if request.method == "GET" else request.path
        return redirect(f"{reverse('account_login')}?{urlencode({'next': back})}")


@login_required
@require_POST
def extend(request):
    """Stay logged in: records activity now. JSON for the dialog, a redirect without JS."""
    _last, limit = touch(request)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"remaining": limit})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("marketplace:dashboard")
    return redirect(target)
