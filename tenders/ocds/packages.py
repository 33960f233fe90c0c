"""OCDS release and record packages (schema 1.1), with pagination links."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from tenders.models import Tender

from .releases import compiled_release, iso, ocid_for, releases_for

VERSION = "1.1"


def _package(uri: str, links: dict | None) -> dict:
    package = {
        "uri": uri,
        "version": VERSION,
        "publishedDate": iso(timezone.now()),
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME, "uri": settings.SITE_URL},
        "license": settings.OCDS_LICENSE_URL,
    }
    if links:
        package["links"] = links
    return package


def release_package(tenders: Iterable[Tender], *, uri: str, links: dict | None = None) -> dict:
    package = _package(uri, links)
    package["releases"] = [release for tender in tenders for release in releases_for(tender)]
    return package


def record(tender: Tender) -> dict:
    return {
        "ocid": ocid_for(tender),
        "releases": releases_for(tender),
        "compiledRelease": compiled_release(tender),
    }


def record_package(tenders: Iterable[Tender], *, uri: str, links: dict | None = None) -> dict:
    package = _package(uri, links)
    package["records"] = [record(tender) for tender in tenders]
    return package
