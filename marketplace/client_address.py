"""The one place that decides a request's client address (throttles, audit, allauth).

Behind ``settings.TRUSTED_PROXY_COUNT`` reverse proxies, each proxy appends the address it saw to
``X-Forwarded-For``; the client is the entry that the farthest trusted proxy appended, i.e. the
``TRUSTED_PROXY_COUNT``-th from the right. Entries to its left were written by the client and
prove nothing. With the default 0 the header is ignored and ``REMOTE_ADDR`` is the client, so a
site without a proxy cannot be fooled by a forged header. An unparsable or missing entry falls
back to ``REMOTE_ADDR``.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

# IPv6 clients get a /64 each; throttles count per network, as allauth does.
IPV6_THROTTLE_PREFIX = 64


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    """The client's IP address as the configured proxies report it (a string, never empty)."""
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104 (a label)
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [
        part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < trusted:
        return remote
    return _valid(forwarded[-trusted]) or remote


def throttle_address(request) -> str:
    """The client address as throttles count it: IPv6 addresses by their /64 network."""
    address = ipaddress.ip_address(client_address(request))
    if isinstance(address, ipaddress.IPv6Address):
        network = ipaddress.IPv6Network(f"{address}/{IPV6_THROTTLE_PREFIX}", strict=False)
        return str(network.network_address)
    return str(address)
