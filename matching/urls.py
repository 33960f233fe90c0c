"""Matching pages, saved searches and alerts, in the site's languages."""

from django.urls import path  # noqa: F401

app_name = "matching"

urlpatterns: list = []
