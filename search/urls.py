"""Public listings that go through the search interface: supplier directory, site search."""

from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("leverandorer/", views.supplier_directory, name="supplier_directory"),
    path("sok/", views.site_search, name="site_search"),
]
