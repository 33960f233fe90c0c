"""``{% session_timeout_dialog %}``: the idle-session warning for logged-in pages."""

from __future__ import annotations

from django import template
from django.conf import settings

from marketplace.session_timeout import remaining_seconds

register = template.Library()


@register.inclusion_tag("includes/session_timeout.html", takes_context=True)
def session_timeout_dialog(context):
    request = context.get("request")
    remaining = remaining_seconds(request) if request is not None else None
    if remaining is None:
        return {"show": False}
    return {
        "show": True,
        "request": request,
        "remaining": remaining,
        "warning": settings.SESSION_IDLE_WARNING,
        "warning_minutes": max(1, settings.SESSION_IDLE_WARNING // 60),
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "here": request.get_full_path(),
    }
