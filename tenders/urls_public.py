"""public URLs (see tenders/urls.py): the opportunity listing and each tender's page."""

from django.urls import path

from tenders.views import public

urlpatterns: list = [
    path("konkurranser/", public.opportunity_list, name="opportunity_list"),
    path("konkurranser/<str:reference>/", public.tender_detail, name="tender_detail"),
]
