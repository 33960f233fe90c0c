"""/ocds/releases.json, /ocds/records.json and /ocds/records/<ocid>.json.

Paginated with ``?page=N`` (``links.next`` names the next page) and filterable with
``?since=`` (an ISO 8601 date or date and time): tenders changed at or after that moment.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET

from tenders.selectors.open_data import ocds_tenders

from .packages import record, record_package, release_package
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


def _page(request):
    """(tenders on this page, links) or a 400 response."""
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
    tenders = list(ocds_tenders(since=since)[(page - 1) * size : page * size + 1])
    links = {}
    params = {"since": iso(since)} if since else {}
    if len(tenders) > size:
        tenders = tenders[:size]
        links["next"] = request.build_absolute_uri(
            f"{request.path}?{urlencode({**params, 'page': page + 1})}"
        )
    if page > 1:
        links["prev"] = request.build_absolute_uri(
            f"{request.path}?{urlencode({**params, 'page': page - 1})}"
        )
    return (tenders, links), None


@require_GET
def releases(request):
    found, error = _page(request)
    if error:
        return error
    tenders, links = found
    return _json(release_package(tenders, uri=request.build_absolute_uri(), links=links))


@require_GET
def records(request):
    found, error = _page(request)
    if error:
        return error
    tenders, links = found
    return _json(record_package(tenders, uri=request.build_absolute_uri(), links=links))


@require_GET
def record_detail(request, ocid: str):
    prefix = settings.OCDS_OCID_PREFIX
    if not ocid.startswith(prefix):
        raise Http404
    tender = ocds_tenders().filter(reference=ocid.removeprefix(prefix)).first()
    if tender is None:
        raise Http404
    package = record_package([], uri=request.build_absolute_uri())
    package["records"] = [record(tender)]
    return _json(package)
