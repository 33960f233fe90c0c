"""Errors of the API as RFC 9457 problem details (``application/problem+json``).

DRF's own handler decides the status and the message; this wraps them as ``type``, ``title``,
``status`` and ``detail``, plus ``errors`` (field → messages) for invalid input. ``type`` is
``about:blank``, so ``title`` is the HTTP status phrase; ``code`` is DRF's stable error code.
"""

from __future__ import annotations

from http import HTTPStatus

from rest_framework import exceptions
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"


def _first_message(data) -> str:
    if isinstance(data, dict):
        for value in data.values():
            return _first_message(value)
    if isinstance(data, list) and data:
        return _first_message(data[0])
    return str(data)


def problem_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
    status = response.status_code
    problem = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    if isinstance(exc, exceptions.ValidationError):
        problem["detail"] = _first_message(exc.detail)
        problem["code"] = "invalid"
        problem["errors"] = exc.detail if isinstance(exc.detail, dict) else {"": exc.detail}
    else:
        detail = getattr(exc, "detail", None) or response.data
        problem["detail"] = _first_message(detail)
        problem["code"] = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = problem
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or getattr(renderer, "format", "json") == "json":
        response.content_type = PROBLEM_CONTENT_TYPE
    return response
