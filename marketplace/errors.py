"""One domain error base with stable codes. Views turn these into form errors or messages."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused an operation. ``code`` is stable; ``message`` is translated."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field


class PermissionDenied(DomainError):
    code = "permission_denied"


class NotFound(DomainError):
    code = "not_found"


class InvalidTransition(DomainError):
    code = "invalid_transition"
