"""Django admin for the base layer. Each concern registers its models in its own module."""

from . import audit, notifications, organisations, users  # noqa: F401
