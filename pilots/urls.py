"""Pilot pages, in the site's languages (Bokmål paths)."""

from django.urls import path

from pilots.views import pilots as views

app_name = "pilots"

urlpatterns = [
    path("piloter/", views.pilot_list, name="pilot_list"),
    path("piloter/ny/<int:award_id>/", views.pilot_create, name="pilot_create"),
    path("piloter/<uuid:public_id>/", views.pilot_detail, name="pilot_detail"),
    path("piloter/<uuid:public_id>/plan/", views.pilot_plan, name="pilot_plan"),
    path("piloter/<uuid:public_id>/start/", views.pilot_start, name="pilot_start"),
    path("piloter/<uuid:public_id>/avslutt/", views.pilot_end, name="pilot_end"),
    path("piloter/<uuid:public_id>/beslutning/", views.pilot_decide, name="pilot_decide"),
    path("piloter/<uuid:public_id>/notat/", views.note_add, name="note_add"),
    path("piloter/<uuid:public_id>/milepaeler/", views.milestone_add, name="milestone_add"),
    path(
        "piloter/<uuid:public_id>/milepaeler/<int:milestone_id>/ferdig/",
        views.milestone_done,
        name="milestone_done",
    ),
    path("piloter/<uuid:public_id>/kpi/", views.kpi_add, name="kpi_add"),
    path(
        "piloter/<uuid:public_id>/kpi/<int:kpi_id>/maling/",
        views.kpi_measure,
        name="kpi_measure",
    ),
]
