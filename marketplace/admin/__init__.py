"""Django admin for the base layer. Each concern registers its models in its own module."""

from . import (  # noqa: F401
    audit,
    classification,
    notifications,
    organisations,
    outbox,
    profiles,
    users,
)
