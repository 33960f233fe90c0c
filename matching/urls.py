"""Matching pages, saved searches and alerts, in the site's languages."""

from django.urls import path

from matching import views, views_lot_design

app_name = "matching"

T = "innkjop/konkurranser/<str:reference>/"

urlpatterns: list = [
    path(f"{T}leverandorer/", views.tender_suppliers, name="tender_suppliers"),
    path(
        f"{T}delkontrakter/<int:lot>/leverandorer/",
        views.tender_suppliers,
        name="lot_suppliers",
    ),
    path(f"{T}leverandorer/inviter/", views.tender_invite, name="tender_invite"),
    path(f"{T}inndeling/", views_lot_design.tender_lot_design, name="tender_lot_design"),
    path(
        f"{T}inndeling/begrunnelse/",
        views_lot_design.tender_lot_design_justify,
        name="tender_lot_design_justify",
    ),
    path("innkjop/behov/<slug:slug>/leverandorer/", views.need_suppliers, name="need_suppliers"),
    path(
        "innkjop/behov/<slug:slug>/leverandorer/inviter/",
        views.need_invite_matched,
        name="need_invite",
    ),
    path("muligheter/", views.opportunities, name="opportunities"),
    path("muligheter/sok/", views.saved_searches, name="saved_searches"),
    path("muligheter/sok/<int:pk>/slett/", views.saved_search_delete, name="saved_search_delete"),
    path("muligheter/varsler/", views.alerts, name="alerts"),
    path("muligheter/delkontrakter/<int:pk>/partnere/", views.lot_partners, name="lot_partners"),
]
