"""Public supplier profile pages."""

from django.urls import path

from marketplace.views import suppliers_public

urlpatterns = [
    path("leverandorer/<slug:slug>/", suppliers_public.supplier_detail, name="supplier_detail"),
]
