"""Content-Security-Policy per area of the site: a strict policy with nonces for our own pages,
a looser one for the two admin sites.

django-csp's middleware sends ``settings.CONTENT_SECURITY_POLICY`` (script-src 'self' plus the
request's nonce, no inline styles, object-src/base-uri/frame-ancestors 'none'). Templates put
``nonce="{{ request.csp_nonce }}"`` on their script (and, on the self-contained 500 page, style)
tags; reading the nonce is what puts it into the header.

Requests under one of ``CONTENT_SECURITY_POLICY_ADMIN["PATH_PREFIXES"]`` (the Wagtail and
Django admin sites) get ``CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]`` instead: Wagtail's admin
still writes inline scripts (date widgets, inline panels) and inline styles, so that policy
allows 'unsafe-inline' there, and only there. It carries no nonce, because a nonce in script-src
makes browsers ignore 'unsafe-inline'. A view that sets its own policy (django-csp's decorators)
keeps it.

The Permissions-Policy header comes from django-permissions-policy
(``settings.PERMISSIONS_POLICY``).
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings


def admin_policy_applies(path_info: str) -> bool:
    """Whether a request path is answered with the admin policy."""
    prefixes = tuple(settings.CONTENT_SECURITY_POLICY_ADMIN["PATH_PREFIXES"])
    return path_info.startswith(prefixes)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin policy for the admin sites' paths."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.config is not None or not admin_policy_applies(request.path_info):
            return parts
        admin = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        return PolicyParts(
            config=default_config(admin), update=parts.update, replace=parts.replace, nonce=None
        )
