"""The Elasticsearch percolator index of saved searches, kept in step with them, for the alert
fan-out on Elasticsearch.

When the search backend is Elasticsearch, every active saved search is stored as a percolator
query (``matching.percolator_queries.percolator_query``) and a published or amended need or
tender is percolated as one document: Elasticsearch answers which searches match, instead of the
SQL prefilter. The index is kept true on commit by ``matching.receivers`` (a search saved, deleted
or its profile changed) and can be rebuilt with ``manage.py alert_percolator --rebuild``.

When Elasticsearch cannot be reached the fan-out uses the SQL prefilter, so no alert is lost:
``percolate`` raises :class:`PercolatorUnavailable` and the caller falls back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings

from marketplace.models import SupplierProfile
from matching.models import SavedSearch
from matching.percolator_queries import (
    PERCOLATOR_MAPPING,
    SearchSpec,
    percolate_body,
    percolate_document,
    percolator_query,
)
from search.backends import get_backend

logger = logging.getLogger(__name__)

# Every match in one answer: a fan-out reaches at most this many searches per document.
PERCOLATE_WINDOW = 10_000


class PercolatorUnavailable(RuntimeError):
    """Elasticsearch is not the backend, or it cannot answer now."""


def index_name() -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-saved-searches-v1"


def _client():
    backend = get_backend()
    client = getattr(backend, "client", None)
    if getattr(backend, "name", "") != "elasticsearch" or client is None:
        raise PercolatorUnavailable("the search backend is not Elasticsearch")
    return client


def uses_percolator() -> bool:
    return getattr(get_backend(), "name", "") == "elasticsearch"


def spec_for(search: SavedSearch) -> SearchSpec:
    """A saved search's conditions as data; a profile-based search takes its profile's codes
    and places at the time it is indexed (a profile change re-indexes it)."""
    if search.use_profile:
        profile = (
            SupplierProfile.objects.filter(organisation_id=search.organisation_id)
            .prefetch_related("cpv_codes", "delivery_municipalities", "delivery_counties")
            .first()
        )
        codes = tuple(c.code for c in profile.cpv_codes.all()) if profile else ()
        municipalities = (
            tuple(m.number for m in profile.delivery_municipalities.all()) if profile else ()
        )
        counties = tuple(c.number for c in profile.delivery_counties.all()) if profile else ()
        nationwide = bool(profile and profile.delivers_nationwide)
    else:
        codes = tuple(search.cpv_codes.values_list("code", flat=True))
        municipalities = tuple(search.municipalities.values_list("number", flat=True))
        counties = tuple(search.counties.values_list("number", flat=True))
        nationwide = False
    return SearchSpec(
        pk=search.pk,
        text=search.text,
        cpv_codes=tuple(sorted(codes)),
        municipalities=tuple(sorted(municipalities)),
        counties=tuple(sorted(counties)),
        value_min=float(search.value_min) if search.value_min is not None else None,
        value_max=float(search.value_max) if search.value_max is not None else None,
        smb_lots_only=search.smb_lots_only,
        pilots_only=search.pilots_only,
        nationwide=nationwide,
    )


def ensure_index(client=None) -> None:
    client = client or _client()
    if not client.indices.exists(index=index_name()):
        client.indices.create(index=index_name(), body={"mappings": PERCOLATOR_MAPPING})


def index_searches(searches: Iterable[SavedSearch], *, client=None) -> int:
    """(Re)store these searches' queries; inactive ones are removed. Returns how many.
    Raises PercolatorUnavailable when Elasticsearch cannot be reached."""
    try:
        return _index_searches(searches, client=client or _client())
    except _es_errors() as exc:
        raise PercolatorUnavailable(str(exc)) from exc


def _es_errors() -> tuple[type[Exception], ...]:
    # loaded when asked: elasticsearch is imported only on the backend that uses it
    from elasticsearch import exceptions as es_exceptions

    return (es_exceptions.ConnectionError, es_exceptions.TransportError)


def _index_searches(searches: Iterable[SavedSearch], *, client) -> int:
    ensure_index(client)
    count = 0
    for search in searches:
        if search.is_active:
            client.index(
                index=index_name(), id=str(search.pk), document=percolator_query(spec_for(search))
            )
        else:
            remove_search(search.pk, client=client)
        count += 1
    client.indices.refresh(index=index_name())
    return count


def remove_search(search_id: int, *, client=None) -> None:
    client = client or _client()
    try:
        client.options(ignore_status=404).delete(index=index_name(), id=str(search_id))
    except _es_errors() as exc:
        raise PercolatorUnavailable(str(exc)) from exc


def target_document(target) -> dict:
    """An alert target (``matching.services.alerts.AlertTarget``) as the document to percolate."""
    return percolate_document(
        text=target.text,
        cpv_codes=target.cpv_codes,
        municipalities=target.municipalities,
        counties=target.counties,
        value=target.value,
        has_smb_lot=target.has_smb_lot,
        is_pilot=target.is_pilot,
    )


def percolate(target, *, client=None) -> list[int]:
    """The ids of the stored searches that match ``target``, as Elasticsearch answers."""
    client = client or _client()
    try:
        response = client.search(
            index=index_name(),
            body=percolate_body(target_document(target), size=PERCOLATE_WINDOW),
        )
    except _es_errors() as exc:
        raise PercolatorUnavailable(str(exc)) from exc
    return sorted(int(hit["_source"]["search_id"]) for hit in response["hits"]["hits"])
