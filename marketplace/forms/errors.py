"""A service's refusal shown on the form that sent the input: the one way views do it.

Services raise ``DomainError`` (with the field it concerns, if any), a ``DomainError`` carrying
several ``problems`` (a bid or a tender not ready), or Django's ``ValidationError`` from
``full_clean``. Each message goes next to its field when the form has that field and above the
form otherwise, so a field the form does not show never raises and no message is lost.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError


def _messages(error: Exception) -> list[tuple[str | None, object]]:
    """(field, message) pairs of a service's error, ``None`` for the form as a whole."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [
                (None if field == "__all__" else field, message)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        return [(None, message) for message in error.messages]
    problems = getattr(error, "problems", None)
    if problems:
        return [
            problem if isinstance(problem, tuple) else (problem.field, problem.message)
            for problem in problems
        ]
    return [(getattr(error, "field", None), getattr(error, "message", str(error)))]


def add_service_error(
    form,
    error: Exception,
    *,
    fields: Mapping[str, str] | None = None,
    fallback: str | None = None,
) -> None:
    """Put ``error`` on ``form``: each message next to the field it names, if the form has it.

    ``fields`` maps a service's field name to the form's (``{"supplier": "org_number"}``);
    ``fallback`` is the field that takes a message naming no field of the form (an upload's
    ``"file"``). A form made of several forms that routes field names itself (it has no
    ``fields``) gets the service's field names as they are.
    """
    known = getattr(form, "fields", None)
    for field, message in _messages(error):
        field = (fields or {}).get(field, field)
        if known is not None and field not in known:
            field = fallback if fallback in known else None
        form.add_error(field, message)
