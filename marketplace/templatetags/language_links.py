"""``{% language_url code %}``: where the language switch's link for anonymous visitors goes.

The same places the signed-in switch's form posts to (templates/includes/language_switch.html):
on a Wagtail page, the CMS switch, which finds the page's translation; elsewhere, this page in
the other language, worked out as Django's ``set_language`` does (``translate_url`` of the
unprefixed path, resolved in the default language).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation

register = template.Library()


@register.simple_tag(takes_context=True)
def language_url(context, code: str) -> str:
    page = context.get("page")
    if getattr(page, "translation_key", None):
        query = urlencode({"language": code, "page": page.pk})
        return f"{reverse('cms_switch_language')}?{query}"
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(context.get("language_next", "/"), code)
