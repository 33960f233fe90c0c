"""Deadlines are stored in UTC and always shown in Europe/Oslo time with the zone named.

``{% load oslo_time %}{{ tender.submission_deadline|oslo_datetime }}`` →
"1. desember 2026 kl. 12:00 (norsk tid)" / "1 December 2026 at 12:00 (Oslo time, CET)".
"""

from __future__ import annotations

import datetime
import zoneinfo

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def to_oslo(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value, OSLO)


@register.filter
def oslo_datetime(value: datetime.datetime | None) -> str:
    """Date, time and the named zone, in the active language."""
    if not value:
        return ""
    local = to_oslo(value)
    return _("%(date)s at %(time)s (Oslo time, %(zone)s)") % {
        # Translators: a PHP-style date format (Django's date filter), e.g. "j. F Y" in Bokmål.
        "date": date_format(local, _("j F Y")),
        "time": local.strftime("%H:%M"),
        "zone": local.tzname(),
    }


@register.filter
def oslo_time_tag(value: datetime.datetime | None):
    """A <time> element with the ISO instant in UTC and the Oslo wording as its text."""
    if not value:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>',
        value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        oslo_datetime(value),
    )
