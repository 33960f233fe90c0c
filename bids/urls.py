"""Bid pages, in the site's languages. Each area keeps its own URL module."""

from django.urls import include, path

app_name = "bids"

urlpatterns = [
    path("", include("bids.urls_supplier")),
    path("", include("bids.urls_buyer")),
]
