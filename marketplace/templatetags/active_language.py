"""Content kept in both languages, picked in templates by the one rule of ``marketplace.i18n``.

``{% load active_language %}{% in_active_language arena.description arena.description_en %}``
(or ``… as description``): the English text when English is active and has text, else Bokmål.
"""

from __future__ import annotations

from django import template

from marketplace import i18n

register = template.Library()


@register.simple_tag
def in_active_language(nb, en) -> str:
    return i18n.in_active_language(nb or "", en or "")
