"""The public supplier directory: facets and text search over listed supplier profiles."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from marketplace.selectors.suppliers import directory_profiles
from search.filters import SupplierDirectoryFilter

SUPPLIERS_PER_PAGE = 20


def supplier_directory(request):
    # Always bound: no parameters is a valid, empty filter (everything listed, by name).
    filterset = SupplierDirectoryFilter(request.GET, queryset=directory_profiles(), request=request)
    paginator = Paginator(filterset.qs, SUPPLIERS_PER_PAGE)
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
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "has_filters": any(
                value
                for key, values in request.GET.lists()
                if key not in {"page", "sort"}
                for value in values
            ),
        },
    )
