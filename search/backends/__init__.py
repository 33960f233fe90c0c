"""Search backends. Callers use ``get_backend()`` and never ask which one it is."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import SearchBackend


@cache
def get_backend() -> SearchBackend:
    return import_string(settings.SEARCH_BACKEND)()


__all__ = ["SearchBackend", "get_backend"]
