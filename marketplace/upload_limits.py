"""Too large: a request whose body is over ``UPLOAD_MAX_REQUEST_BYTES`` is answered 413 before
a byte of it is read, as a friendly page, or as problem JSON under ``/api/``.

The check reads the ``Content-Length`` header only. Views that refuse a single file over its
purpose's limit answer 413 too (:func:`status_for`), with the message of the refusal.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

TOO_LARGE_CODES = frozenset({"document_too_large", "request_too_large"})


def status_for(error, default: int = 400) -> int:
    """The HTTP status for a refused upload: 413 when it was too large."""
    return 413 if getattr(error, "code", "") in TOO_LARGE_CODES else default


def too_large_message(size: int | None = None) -> str:
    limit = filesizeformat(settings.UPLOAD_MAX_REQUEST_BYTES)
    if size:
        return _(
            "The upload is %(size)s; at most %(limit)s can be sent at once. Send a smaller "
            "file, or split it into several."
        ) % {"size": filesizeformat(size), "limit": limit}
    return _(
        "The upload is too large; at most %(limit)s can be sent at once. Send a smaller "
        "file, or split it into several."
    ) % {"limit": limit}


def too_large_response(request, size: int | None = None):
    message = too_large_message(size)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "type": "about:blank",
                "title": "Content Too Large",
                "status": 413,
                "detail": message,
                "code": "request_too_large",
            },
            status=413,
            content_type="application/problem+json",
        )
    return render(request, "errors/413.html", {"message": message}, status=413)


class RequestSizeLimitMiddleware:
    """413 for a declared body over ``UPLOAD_MAX_REQUEST_BYTES``; the body is never read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_REQUEST_BYTES:
            response = too_large_response(request, length)
            response["Connection"] = "close"
            return response
        return self.get_response(request)
