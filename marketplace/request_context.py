"""What the request being answered is, for code far from the request: its id (logs and audit
events) and the client's address (the refused-access tally, never the audit chain: ADR 0013).

``marketplace.middleware.RequestIdMiddleware`` binds both for the length of a request; outside
one the id is ``"-"`` and the address ``""``. This module imports nothing of the project, so the
logging configuration (``RequestIdLogFilter``) can load it before the apps are ready.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_client_address: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="")


def current_request_id() -> str:
    return _request_id.get()


def current_client_address() -> str:
    """The client address of the request being answered (``marketplace.client_address``, which
    honours TRUSTED_PROXY_COUNT; "" outside a request)."""
    return _client_address.get()


@contextlib.contextmanager
def bound(*, request_id: str, client_address: str) -> Iterator[None]:
    """The request id and client address, for the code run inside the block."""
    id_token = _request_id.set(request_id)
    address_token = _client_address.set(client_address)
    try:
        yield
    finally:
        _client_address.reset(address_token)
        _request_id.reset(id_token)


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
