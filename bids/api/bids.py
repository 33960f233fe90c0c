"""Bids in the API: sealed until opening like everywhere else (``bids.services.sealing``)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
