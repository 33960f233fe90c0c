"""Pilot pages, in the site's languages."""

from django.urls import path  # noqa: F401

app_name = "pilots"

urlpatterns: list = []
