"""Who may call the API, with what, and how often (the REST_FRAMEWORK defaults in settings).

- :class:`PersonalTokenAuthentication`: ``Authorization: Bearer <token>`` with a personal API
  token (marketplace.models.PersonalApiToken). A revoked, expired or unknown token is a 401
  problem. Any other scheme, HTTP Basic above all, is refused with 401 too: a password alone must
  never reach data past TOTP and the login throttle. A person whose role requires TOTP may use
  only tokens created in a session that passed TOTP (else 403).
- Sessions: DRF's ``SessionAuthentication`` (CSRF enforced); a session of a person who must use
  TOTP but has not set it up is refused (403) by ``RequireMFAMiddleware`` before the view.
- :class:`TokenHasScope`: every API view names ``required_scope``; a token without that scope,
  or a view without one, is refused (403). Sessions are not limited by scopes.
- :class:`AddressRateThrottle`: ``THROTTLE_RATES[scope]`` per client address (default "api"),
  counted by ``marketplace.throttling`` (database while the cache is down); 429 + Retry-After.
  It counts our ``/api/`` only (URL namespace "api"), not Wagtail's admin API.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle

from marketplace import throttling
from marketplace.accounts import has_mfa, requires_mfa
from marketplace.client_address import throttle_address
from marketplace.models import PersonalApiToken
from marketplace.models.tokens import token_digest

# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class PersonalTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != self.keyword:
            raise exceptions.AuthenticationFailed(
                _("Use a personal API token (Authorization: Bearer …); passwords are refused."),
                code="scheme_refused",
            )
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."), code="token_invalid")
        try:
            secret = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header."), code="token_invalid"
            ) from None
        return self._authenticate_secret(secret)

    def _authenticate_secret(self, secret: str):
        token = (
            PersonalApiToken.objects.select_related("user")
            .filter(digest=token_digest(secret))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Unknown token."), code="token_invalid")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                _("This token has been revoked."), code="token_revoked"
            )
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(
                _("This token has expired."), code="token_expired"
            )
        user = token.user
        if requires_mfa(user) and not (token.created_with_mfa and has_mfa(user)):
            raise exceptions.PermissionDenied(
                _(
                    "Your role requires two-factor authentication: create a new token after "
                    "logging in with your authenticator app."
                ),
                code="mfa_required",
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            PersonalApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema (and /api/docs/) describes :class:`PersonalTokenAuthentication`."""

    target_class = PersonalTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _(
                    "A personal API token, made under your account's API tokens page, sent as "
                    "Authorization: Bearer <token>. Tokens carry scopes; passwords are refused."
                )
            ),
        }


class TokenHasScope(BasePermission):
    """Token requests need the view's ``required_scope``; views without one refuse tokens."""

    message = _("This token does not have the scope this endpoint needs.")
    code = "scope_missing"

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, PersonalApiToken):
            return True
        scope = getattr(view, "required_scope", None)
        return bool(scope) and request.auth.has_scope(scope)


class AddressRateThrottle(BaseThrottle):
    """``THROTTLE_RATES[scope]`` per client address; views may set ``throttle_scope``."""

    default_scope = "api"

    def allow_request(self, request, view) -> bool:
        match = request.resolver_match
        if match is None or "api" not in match.namespaces:
            return True  # Wagtail's admin API, behind the admin login, is not ours to limit
        scope = getattr(view, "throttle_scope", None) or self.default_scope
        verdict = throttling.hit(scope, throttle_address(request))
        self._wait = verdict.retry_after
        return verdict.allowed

    def wait(self):
        return self._wait or None
