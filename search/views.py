"""The public supplier directory: facets and text search over listed supplier profiles."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.functional import cached_property

from marketplace.selectors.suppliers import directory_profiles
from marketplace.throttling import throttle_page
from search.backends import get_backend
from search.backends.base import SearchUnavailable, SiteResults
from search.filters import SupplierDirectoryFilter
from search.forms import KIND_LABELS, MAX_PAGE, SiteSearchForm, facet_groups, status_labels
from search.queries import SiteQuery

SUPPLIERS_PER_PAGE = 20


class _KnownCountPaginator(Paginator):
    """A paginator told its count (the text search's listed profiles) instead of counting."""

    def __init__(self, object_list, per_page, *, known_count: int | None = None):
        super().__init__(object_list, per_page)
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        return super().count


def supplier_directory(request):
    # Always bound: no parameters is a valid, empty filter (everything listed, by name).
    filterset = SupplierDirectoryFilter(request.GET, queryset=directory_profiles(), request=request)
    profiles = filterset.qs
    ids = filterset.search_ids
    if ids is not None:
        # Best match first, as the search ordered them: only this page's rows are read, by
        # key, from the listed profiles (the search kept only keys that pass every filter).
        paginator = Paginator(ids, SUPPLIERS_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        rows = filterset.queryset.in_bulk(list(page.object_list))
        page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    else:
        paginator = _KnownCountPaginator(
            profiles, SUPPLIERS_PER_PAGE, known_count=filterset.search_total
        )
        page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "search/supplier_directory.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page_obj": page,
            "suppliers": page.object_list,
            "total": paginator.count,
            "total_bounded": filterset.search_bounded,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "has_filters": any(
                value
                for key, values in request.GET.lists()
                if key not in {"page", "sort"}
                for value in values
            ),
        },
    )


@throttle_page("search")
def site_search(request):
    """Search everything: a GET form that works without JavaScript, facets, highlights, pages.

    Above ``THROTTLE_RATES["search"]`` requests per client address it answers 429.

    Text longer than the form allows answers 400 with the form's message; any other input,
    however odd, is a valid (perhaps empty) search.
    """
    form = SiteSearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "search/site_search.html", {"form": form}, status=400)
    query = form.query(request.GET) if form.is_bound else SiteQuery()
    unavailable = False
    try:
        results = get_backend().search(query)
    except SearchUnavailable:
        unavailable = True
        results = SiteResults(hits=(), total=0, page=query.page, per_page=query.per_page)
    shown = min(results.total, MAX_PAGE * query.per_page)
    if results.ranked_among is not None:
        # Only the newest matches were ranked: the pages reach no further.
        shown = min(shown, results.ranked_among)
    paginator = Paginator(range(shown), query.per_page)
    page = paginator.get_page(query.page)
    return render(
        request,
        "search/site_search.html",
        {
            "form": form,
            "query": query,
            "results": results,
            "hits": results.hits,
            "facets": facet_groups(results, query),
            "kind_labels": KIND_LABELS,
            "status_labels": status_labels(),
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "unavailable": unavailable,
            "degraded": results.degraded,
            "searched": form.is_bound,
        },
    )
