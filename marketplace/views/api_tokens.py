"""Personal API tokens under the account pages: list, create (shown once), revoke.

A person's tokens are their own: lookups go through ``request.user.personal_api_tokens``, so
someone else's token is a 404. Creating one asks for proof that the person is at the keyboard:
a login or re-authentication within allauth's ``REAUTHENTICATION_TIMEOUT``, and, where the role
requires TOTP, a session that passed TOTP (else the person re-authenticates with the app).
"""

from __future__ import annotations

from allauth.account import app_settings as allauth_account_settings
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.accounts import requires_mfa, session_passed_mfa, session_recently_authenticated
from marketplace.errors import DomainError
from marketplace.forms.api_tokens import ApiTokenForm
from marketplace.forms.errors import add_service_error
from marketplace.services.api_tokens import api_token_create, api_token_revoke


def _must_use_mfa(request) -> bool:
    return settings.MFA_REQUIRED_FOR_STAFF and requires_mfa(request.user)


def _reauthenticate(request):
    """Where to prove identity again, coming back here afterwards."""
    name = "mfa_reauthenticate" if _must_use_mfa(request) else "account_reauthenticate"
    next_url = reverse("marketplace:api_token_create")
    return redirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


@login_required
def token_list(request):
    tokens = request.user.personal_api_tokens.all()
    return render(request, "marketplace/api_tokens/list.html", {"tokens": tokens})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_create(request):
    with_mfa = session_passed_mfa(request)
    recent = session_recently_authenticated(
        request, within_seconds=allauth_account_settings.REAUTHENTICATION_TIMEOUT
    )
    if not recent or (_must_use_mfa(request) and not with_mfa):
        return _reauthenticate(request)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
                with_mfa=with_mfa,
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            # Shown once, never stored: the page must not be cached either (never_cache).
            return render(
                request,
                "marketplace/api_tokens/created.html",
                {"token": token, "secret": secret},
            )
    return render(request, "marketplace/api_tokens/create.html", {"form": form})


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(request.user.personal_api_tokens, pk=pk)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("marketplace:api_token_list")
