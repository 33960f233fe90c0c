"""Reads of the release store for the OCDS endpoints and the bulk files."""

from __future__ import annotations

import datetime
from itertools import groupby

from django.db.models import QuerySet
from django.db.models.functions import TruncMonth

from tenders.models import OcdsRelease


def published_releases(*, since: datetime.datetime | None = None) -> QuerySet[OcdsRelease]:
    """Every stored release in the order it was published; ``since``: dated from then on."""
    releases = OcdsRelease.objects.order_by("pk")
    if since is not None:
        releases = releases.filter(date__gte=since)
    return releases


def releases_in_month(year: int, month: int) -> QuerySet[OcdsRelease]:
    return OcdsRelease.objects.filter(date__year=year, date__month=month).order_by("date", "pk")


def release_months() -> list[datetime.date]:
    """The months (their first day) in which releases are dated, oldest first."""
    months = (
        OcdsRelease.objects.annotate(month=TruncMonth("date"))
        .values_list("month", flat=True)
        .distinct()
        .order_by("month")
    )
    return [month.date() if isinstance(month, datetime.datetime) else month for month in months]


def process_tender_ids(*, since: datetime.datetime | None = None) -> QuerySet:
    """The tenders that have releases (one per contracting process), oldest first; ``since``:
    those with a release dated from then on."""
    releases = published_releases(since=since)
    return releases.order_by("tender_id").values_list("tender_id", flat=True).distinct()


def processes(tender_ids: list[int]) -> list[tuple[str, list[OcdsRelease]]]:
    """(ocid, releases oldest first) of each tender, in the order given, in one query."""
    rows = OcdsRelease.objects.filter(tender_id__in=tender_ids).order_by("tender_id", "sequence")
    by_tender = {key: list(group) for key, group in groupby(rows, key=lambda r: r.tender_id)}
    return [(by_tender[pk][0].ocid, by_tender[pk]) for pk in tender_ids if pk in by_tender]


def process_by_ocid(ocid: str) -> list[OcdsRelease]:
    return list(OcdsRelease.objects.filter(ocid=ocid).order_by("sequence"))
