"""Tender and need pages, in the site's languages. Each area keeps its own URL module."""

from django.urls import include, path

app_name = "tenders"

urlpatterns = [
    path("", include("tenders.urls_public")),
    path("", include("tenders.urls_needs")),
    path("", include("tenders.urls_buyer")),
    path("", include("tenders.urls_eforms")),
]
