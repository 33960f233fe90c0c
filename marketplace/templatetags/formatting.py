"""Template filters for moments and numbers as people read them; the rules live in
``marketplace.formatting``.

``{% load formatting %}`` (or its older name ``oslo_time``):

- ``{{ tender.submission_deadline|oslo_datetime }}`` → "1. desember 2026 kl. 12:00 (norsk tid,
  CET)" / "1 December 2026 at 12:00 (Oslo time, CET)"
- ``{{ value|oslo_time_tag }}`` → the same inside ``<time datetime="…Z">``; ``:"seconds"``
  adds the seconds; an ISO 8601 text (from a JSON record) is read as a moment
- ``{{ value|oslo_date }}`` → "1. desember 2026" / "1 December 2026"
- ``{{ score|number }}``, ``{{ score|number:2 }}`` → "8,50" / "8.50"
- ``{{ amount|money }}``, ``{{ amount|money:"EUR" }}`` → "1 250 000 kr" / "NOK 1,250,000"
"""

from __future__ import annotations

import datetime

from django import template
from django.utils.html import format_html

from marketplace import formatting

register = template.Library()


@register.filter
def oslo_datetime(value: datetime.datetime | str | None, precision: str = "") -> str:
    """Date, time and the named zone, in the active language (``oslo_datetime:"seconds"``)."""
    return formatting.format_datetime(value or None, seconds=precision == "seconds")


@register.filter
def oslo_time_tag(value: datetime.datetime | str | None, precision: str = ""):
    """A <time> element with the ISO instant in UTC and the Oslo wording as its text."""
    if not value:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>',
        formatting.utc_stamp(value),
        oslo_datetime(value, precision),
    )


@register.filter
def oslo_date(value: datetime.date | datetime.datetime | None) -> str:
    """The date (a moment taken in Oslo time) in the active language."""
    return formatting.format_date(value or None)


@register.filter
def number(value, places=None) -> str:
    """A number in the active language's style; ``places`` fixes the decimals."""
    return formatting.format_number(value, None if places in (None, "") else int(places))


@register.filter
def money(value, currency: str = "NOK") -> str:
    """An amount with its currency in the active language's style."""
    return formatting.format_money(value, currency)
