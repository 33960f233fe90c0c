"""django-allauth integration: the account adapter and the MFA rule."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import translate_url

from marketplace.models import BUYER_ROLES, Membership


def requires_mfa(user) -> bool:
    """Buyer staff and administrators must use TOTP."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=BUYER_ROLES).exists()


def has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class AccountAdapter(DefaultAccountAdapter):
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
