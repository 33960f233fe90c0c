"""OCDS release and record packages (schema 1.1) of stored releases, with pagination links.

Every package names the extensions its releases use. A record holds every release of its
contracting process as it was published, and its compiled release is ocdsmerge's merge of them
(the merge rules of the extended schema ship with the code: nothing is downloaded).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from ocdsmerge import Merger

from tenders.models import OcdsRelease

from .extensions import extension_urls, merge_rules
from .releases import iso

VERSION = "1.1"


def _package(uri: str, links: dict | None) -> dict:
    package = {
        "uri": uri,
        "version": VERSION,
        "extensions": extension_urls(),
        "publishedDate": iso(timezone.now()),
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME, "uri": settings.SITE_URL},
        "license": settings.OCDS_LICENSE_URL,
    }
    if links:
        package["links"] = links
    return package


def release_package(
    releases: Iterable[OcdsRelease], *, uri: str, links: dict | None = None
) -> dict:
    package = _package(uri, links)
    package["releases"] = [release.data for release in releases]
    return package


def compiled_release(releases: list[dict]) -> dict:
    """ocdsmerge's compiled release of one process's releases."""
    return Merger(merge_rules=merge_rules()).create_compiled_release(releases)


def record(ocid: str, releases: list[OcdsRelease]) -> dict:
    data = [release.data for release in releases]
    return {"ocid": ocid, "releases": data, "compiledRelease": compiled_release(data)}


def record_package(
    processes: Iterable[tuple[str, list[OcdsRelease]]], *, uri: str, links: dict | None = None
) -> dict:
    package = _package(uri, links)
    package["records"] = [record(ocid, releases) for ocid, releases in processes]
    return package
