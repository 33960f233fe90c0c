"""Template helpers for the CMS pages."""

from __future__ import annotations

from django import template

from cms.indicator_reports import format_value

register = template.Library()


@register.simple_tag
def indicator_value(indicator, figure) -> str:
    """A headline figure as text ("12", "40,0 %", "no data")."""
    return format_value(indicator, figure)
