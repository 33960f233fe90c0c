"""Django admin for the tenders app. Each area registers its models in its own module."""

from . import tenders  # noqa: F401
