"""My page: who you are here, your organisations and roles, and your sign-in security."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from marketplace.accounts import has_mfa, requires_mfa
from marketplace.selectors.organisations import memberships_of


@login_required
def dashboard(request):
    user = request.user
    return render(
        request,
        "marketplace/dashboard.html",
        {
            "memberships": memberships_of(user),
            "has_mfa": has_mfa(user),
            "mfa_required": settings.MFA_REQUIRED_FOR_STAFF and requires_mfa(user),
        },
    )
