"""Ways into an account: the language switch, and the admin sites' login pages."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from marketplace.models import User


@require_POST
def set_language(request):
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and language in User.Language.values and user.language != language:
        # E-mails and notifications follow the language the person last chose on the site.
        user.language = language
        user.save(update_fields=["language"])
    return response


def admin_login(request):
    """Django's and Wagtail's login forms would skip TOTP; allauth's login handles it."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    login_url = reverse("account_login")
    return redirect(f"{login_url}?{urlencode({'next': next_url})}" if next_url else login_url)
