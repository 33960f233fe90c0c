"""The site's own address, from one setting: ``SITE_URL`` (e.g. ``https://pilotmarked.no``).

Everything that writes an absolute address to us goes through here: links in e-mails and
notifications, invitations, eForms and OCDS documents, the calendar's UIDs, the demo's login
banner, and Wagtail's default ``Site`` row, from which canonical links, ``og:url``, hreflang
alternates and sitemap.xml are built (``sync_wagtail_site``). ``make run`` sets ``SITE_URL`` from
its host and port. Answers to a request (the API's links, OCDS paging) use the request's own
address instead, which is right for whoever asked.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from django.conf import settings
from wagtail.models import Site


def site_url() -> str:
    """The site's base address without a trailing slash: ``https://pilotmarked.no``."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (a site path like ``/anbud/AFK-1/``) as an absolute address on the site; an
    address that is already absolute is returned as it is, an empty one stays empty."""
    if not path:
        return ""
    return urljoin(site_url() + "/", path)


def site_host() -> str:
    """The host name alone (``pilotmarked.no``)."""
    return urlsplit(site_url()).hostname or "localhost"


def wagtail_site_address() -> dict:
    """``hostname`` and ``port`` of Wagtail's default ``Site`` for ``SITE_URL`` (Wagtail builds
    its pages' full addresses from them)."""
    parts = urlsplit(site_url())
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return {"hostname": parts.hostname or "localhost", "port": port}


def sync_wagtail_site() -> bool:
    """Point Wagtail's default site at ``SITE_URL``; whether anything changed."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return False
    address = wagtail_site_address()
    if all(getattr(site, key) == value for key, value in address.items()):
        return False
    for key, value in address.items():
        setattr(site, key, value)
    site.save(update_fields=list(address))
    Site.clear_site_root_paths_cache()
    return True
