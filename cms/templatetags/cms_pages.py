"""Template helpers for the CMS pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def indicator_value(indicator, figure) -> str:
    """A headline figure as text ("12", "40,0 %", "no data")."""
    from cms.indicator_reports import format_value

    return format_value(indicator, figure)
