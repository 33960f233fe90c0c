from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from marketplace.selectors.organisations import memberships_of


@login_required
def dashboard(request):
    return render(
        request,
        "marketplace/dashboard.html",
        {"memberships": memberships_of(request.user)},
    )
