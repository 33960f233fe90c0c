"""The older name of the ``formatting`` template library (``{% load oslo_time %}``): the same
filters, defined once in ``marketplace/templatetags/formatting.py``."""

from marketplace.templatetags.formatting import register

__all__ = ["register"]
