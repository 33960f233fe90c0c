"""Public listings that go through the search interface: the supplier directory."""

from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("leverandorer/", views.supplier_directory, name="supplier_directory"),
]
