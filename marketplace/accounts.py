"""django-allauth integration: the account adapter, the MFA rule and the login throttle.

The adapter hands logins to ``marketplace.throttling`` (per account+address and per address,
429 with Retry-After) instead of allauth's ``login_failed`` limit, which counts per account alone
and so let anyone lock anyone out; and it takes the client address from
``marketplace.client_address``, the one place that knows the trusted proxies.
"""

from __future__ import annotations

import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import translate_url

from marketplace import throttling
from marketplace.client_address import client_address
from marketplace.models import BUYER_ROLES
from marketplace.policy import WAGTAIL_MFA_GROUPS, user_facts

__all__ = ["WAGTAIL_MFA_GROUPS", "has_mfa", "requires_mfa"]


def requires_mfa(user) -> bool:
    """Buyer staff, administrators and whoever may use the Wagtail admin must use TOTP."""
    if user.is_staff or user.is_superuser:
        return True
    facts = user_facts(user)
    buyer_roles = {role.value for role in BUYER_ROLES}
    if any(held.role in buyer_roles for held in facts.memberships):
        return True
    # Whoever may use the Wagtail admin (user.has_perm("wagtailadmin.access_admin"), read with
    # the rest of the facts).
    return facts.in_mfa_group or facts.can_access_admin


def has_mfa(user) -> bool:
    """Whether the person has set up TOTP; read with the person's facts (once per request for
    the request's user; afresh after an authenticator is added or removed)."""
    return user_facts(user).has_totp


def session_passed_mfa(request) -> bool:
    """Whether this session's person gave a second factor (at login or re-authentication)."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def session_recently_authenticated(request, *, within_seconds: int) -> bool:
    """Whether the person logged in or re-authenticated in this session lately."""
    records = get_authentication_records(request, request.user)
    latest = max((record.get("at", 0) for record in records), default=0)
    return time.time() - latest < within_seconds


def _login_of(credentials: dict) -> str:
    return credentials.get("email") or credentials.get("username") or ""


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        return client_address(request)

    def pre_authenticate(self, request, **credentials) -> None:
        """Replaces allauth's per-account ``login_failed`` limit (see the module docstring)."""
        throttling.login_check(request, _login_of(credentials))

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            throttling.login_succeeded(request, _login_of(credentials))
        return user

    def authentication_failed(self, request, **credentials) -> None:
        throttling.login_failed(request, _login_of(credentials))

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.full_name = data.get("full_name", "") or user.full_name
        language = getattr(request, "LANGUAGE_CODE", None)
        if language in {"nb", "en"}:
            user.language = language
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails greet from the site's name ("Pilotmarked"), not from the host name."""
        site = get_current_site(allauth_context.request)
        site.name = settings.WAGTAIL_SITE_NAME
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def get_login_redirect_url(self, request) -> str:
        """After logging in, continue in the language the person chose for themselves."""
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "language", None)
        return translate_url(url, language) if language else url
