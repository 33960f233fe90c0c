"""The buyer's eForms notice pages (see tenders/views/eforms.py)."""

from django.urls import path

from tenders.views import eforms

N = "innkjop/konkurranser/<str:reference>/kunngjoring/<str:kind>/"

urlpatterns = [
    path(N, eforms.notice_preview, name="notice_preview"),
    path(N + "xml/", eforms.notice_download, name="notice_download"),
    path(N + "send/", eforms.notice_send_view, name="notice_send"),
]
