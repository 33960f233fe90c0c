"""The in-site inbox, e-mail preferences and the one-click unsubscribe page.

A person's notifications are personal rather than an organisation's, so these views need no
policy ``Action``: login is the requirement and every lookup goes through
``notifications_for(request.user)``, so someone else's notification is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.forms.notifications import NotificationPreferencesForm
from marketplace.models import NotificationKind
from marketplace.selectors.notifications import frequencies_for, notifications_for, unread_count
from marketplace.services.notifications import (
    localised_link,
    notification_mark_read,
    notification_preferences_save,
    notification_unsubscribe,
    notifications_mark_all_read,
    read_unsubscribe_token,
)

PAGE_SIZE = 20


@login_required
@require_GET
def inbox(request):
    page = Paginator(notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "marketplace/notifications/inbox.html",
        {"page_obj": page, "unread": unread_count(request.user)},
    )


@login_required
@require_GET
def detail(request, pk: int):
    # Opening a notification is reading it, as in any mailbox; doing so again changes nothing.
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    notification_mark_read(notification=notification)
    link = localised_link(notification.url, request.LANGUAGE_CODE)
    return render(
        request,
        "marketplace/notifications/detail.html",
        {"notification": notification, "link": link},
    )


@login_required
@require_POST
def mark_all_read(request):
    count = notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("marketplace:notification_inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = NotificationPreferencesForm(
        request.POST or None, initial_frequencies=frequencies_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        notification_preferences_save(user=request.user, frequencies=form.frequencies())
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("marketplace:notification_preferences")
    return render(request, "marketplace/notifications/preferences.html", {"form": form})


# A mail client's one-click unsubscribe (RFC 8058) POSTs to the List-Unsubscribe address with no
# session and no CSRF token, so CSRF protection cannot apply here. The signed token in the URL is
# the authorisation: it names the person and the kinds, and it cannot be forged without the
# SECRET_KEY. The worst a forged cross-site POST could do is what the token's owner asked for.
# GET never changes anything, so link scanners that fetch the address do no harm.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        user, kinds = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "marketplace/notifications/unsubscribe_invalid.html", status=400)
    labels = [NotificationKind(kind).label for kind in kinds]
    if request.method == "POST":
        notification_unsubscribe(user=user, kinds=kinds)
        return render(
            request, "marketplace/notifications/unsubscribe_done.html", {"labels": labels}
        )
    return render(request, "marketplace/notifications/unsubscribe.html", {"labels": labels})
