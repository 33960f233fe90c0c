"""Django admin for the base layer. Each concern registers its models in its own module."""

from . import audit, classification, notifications, organisations, profiles, users  # noqa: F401
