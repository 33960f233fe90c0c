"""/ocds/releases.json, /ocds/records.json, /ocds/records/<ocid>.json and the bulk files.

The first two are paginated with ``?page=N`` (``links.next`` names the next page) and filterable
with ``?since=`` (an ISO 8601 date or date and time): releases dated at or after that moment, or
the records of processes with such a release. Bulk: ``/ocds/bulk/`` lists one release package
per month (``/ocds/bulk/releases-2026-09.json``) and every record (``/ocds/bulk/records.json``).
Everything is read from the release store: what was published stays as it was published.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET

from . import selectors
from .packages import record_package, release_package
from .releases import iso


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    response["Cache-Control"] = "public, max-age=300"
    return response


def _bad_request(message: str) -> JsonResponse:
    return _json({"error": message}, status=400)


def _since(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        moment = datetime.datetime.combine(day, datetime.time(0, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _page(request, rows):
    """(rows on this page, links) or a 400 response; ``rows(since)`` gives the queryset."""
    try:
        since = _since(request.GET.get("since"))
    except ValueError:
        return None, _bad_request("since: use an ISO 8601 date or date and time.")
    try:
        page = int(request.GET.get("page", "1"))
        if page < 1:
            raise ValueError
    except ValueError:
        return None, _bad_request("page: use a whole number from 1.")
    size = settings.OCDS_PAGE_SIZE
    found = list(rows(since)[(page - 1) * size : page * size + 1])
    links = {}
    params = {"since": iso(since)} if since else {}
    if len(found) > size:
        found = found[:size]
        links["next"] = request.build_absolute_uri(
            f"{request.path}?{urlencode({**params, 'page': page + 1})}"
        )
    if page > 1:
        links["prev"] = request.build_absolute_uri(
            f"{request.path}?{urlencode({**params, 'page': page - 1})}"
        )
    return (found, links), None


@require_GET
def releases(request):
    found, error = _page(request, lambda since: selectors.published_releases(since=since))
    if error:
        return error
    rows, links = found
    return _json(release_package(rows, uri=request.build_absolute_uri(), links=links))


@require_GET
def records(request):
    found, error = _page(request, lambda since: selectors.process_tender_ids(since=since))
    if error:
        return error
    tender_ids, links = found
    processes = selectors.processes(tender_ids)
    return _json(record_package(processes, uri=request.build_absolute_uri(), links=links))


@require_GET
def record_detail(request, ocid: str):
    releases = selectors.process_by_ocid(ocid)
    if not releases:
        raise Http404
    return _json(record_package([(ocid, releases)], uri=request.build_absolute_uri()))


@require_GET
def bulk_index(request):
    """The bulk files: a release package per month, and one record package of every process."""
    months = [
        {
            "month": f"{month:%Y-%m}",
            "url": request.build_absolute_uri(
                reverse("tenders_data:ocds_bulk_releases", args=[month.year, f"{month:%m}"])
            ),
        }
        for month in selectors.release_months()
    ]
    records_url = request.build_absolute_uri(reverse("tenders_data:ocds_bulk_records"))
    return _json({"releases": months, "records": records_url})


@require_GET
def bulk_releases(request, year: int, month: str):
    if not 1 <= int(month) <= 12:
        raise Http404
    rows = selectors.releases_in_month(year, int(month))
    response = _json(release_package(rows, uri=request.build_absolute_uri()))
    response["Content-Disposition"] = f'attachment; filename="releases-{year}-{month}.json"'
    return response


@require_GET
def bulk_records(request):
    tender_ids = list(selectors.process_tender_ids())
    package = record_package(selectors.processes(tender_ids), uri=request.build_absolute_uri())
    response = _json(package)
    response["Content-Disposition"] = 'attachment; filename="records.json"'
    return response
