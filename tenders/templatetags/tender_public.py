"""Template helpers for the public tender pages.

``{% load tender_public %}{% for badge in tender|tender_badges:now %}`` and
``{{ tender|tender_status:now }}``.
"""

from __future__ import annotations

import datetime

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.template.defaultfilters import linebreaks_filter
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.formatting import format_datetime as oslo_datetime
from tenders import badges
from tenders.models import Tender
from tenders.sanitise import sanitise_description
from tenders.services.tender_snapshot import (
    CRITERIA_KEY,
    DOCUMENTS_KEY,
    EDITABLE_FIELDS,
    LOTS_KEY,
    M2M_FIELDS,
    REQUIREMENTS_KEY,
)

register = template.Library()


@register.filter
def tender_badges(tender, now):
    return badges.tender_badges(tender, now=now)


@register.filter
def buyer_line(tender) -> str:
    """The buyer and, for own tenders, the service area: "Akershus fylkeskommune – Samferdsel"."""
    if not tender.buyer_id:
        return tender.buyer_name
    if tender.unit_id:
        return f"{tender.buyer.name} – {tender.unit.display_name}"
    return tender.buyer.name


@register.filter
def tender_status(tender, now) -> str:
    return badges.status_label(tender, now)


@register.filter
def is_open_for_bids(tender, now) -> bool:
    return badges.is_open_for_bids(tender, now)


@register.filter
def tender_description(tender) -> SafeString:
    """An own tender's description as sanitised HTML; an imported one's plain text in paragraphs."""
    if tender.is_external:
        return linebreaks_filter(tender.description, autoescape=True)
    # The buyer's form sanitises on save; cleaning again covers rows written by other paths.
    return mark_safe(sanitise_description(tender.description))  # noqa: S308 - allow-listed


@register.filter
def change_rows(changes) -> list[tuple[str, object, object]]:
    """An amendment's ``changes`` as (field, before, after) rows, whatever shape it was saved in.

    Accepts ``{"field": {"before": x, "after": y}}``, ``{"field": [x, y]}`` or a list of
    ``{"field": ..., "before": ..., "after": ...}``; anything else gives no rows.
    """
    rows: list[tuple[str, object, object]] = []
    if isinstance(changes, dict):
        for field, change in changes.items():
            if isinstance(change, dict):
                rows.append((field, change.get("before"), change.get("after")))
            elif isinstance(change, list | tuple) and len(change) == 2:
                rows.append((field, change[0], change[1]))
    elif isinstance(changes, list):
        for change in changes:
            if isinstance(change, dict) and "field" in change:
                rows.append((change["field"], change.get("before"), change.get("after")))
    # PostgreSQL's jsonb keeps no key order: show the changes in the form's order.
    rows.sort(key=lambda row: (_FIELD_ORDER.get(row[0], len(_FIELD_ORDER)), row[0]))
    return [
        (_field_label(field), _shown(field, before), _shown(field, after))
        for field, before, after in rows
    ]


# The parts of a tender that amendments record under names that are not fields, and the title
# (the model's "title" is a person's job title in the Bokmål catalogue).
_PART_LABELS = {
    "title": pgettext_lazy("tender", "Title"),
    LOTS_KEY: _("Lots"),
    CRITERIA_KEY: _("Award criteria"),
    REQUIREMENTS_KEY: _("Qualification requirements"),
    DOCUMENTS_KEY: _("Documents"),
}


_FIELD_ORDER = {
    name: index
    for index, name in enumerate(
        (*EDITABLE_FIELDS, *M2M_FIELDS, LOTS_KEY, CRITERIA_KEY, REQUIREMENTS_KEY, DOCUMENTS_KEY)
    )
}


def _field_label(name: str) -> str:
    if name in _PART_LABELS:
        return str(_PART_LABELS[name])
    try:
        return capfirst(Tender._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return capfirst(name.replace("_", " "))


def _shown(field: str, value) -> object:
    """Datetimes (or ISO strings of them) in Oslo time; yes/no; lists joined; text without tags."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and "T" in value:
        parsed = parse_datetime(value)
        if parsed is not None and parsed.tzinfo is not None:
            value = parsed
    if isinstance(value, datetime.datetime):
        return oslo_datetime(value)
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    if field == "description":
        return Truncator(strip_tags(str(value))).chars(300)
    return value
