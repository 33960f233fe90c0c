"""``{% language_url code %}``: where the language switch's link for anonymous visitors goes.

The same places the signed-in switch's form posts to (templates/includes/language_switch.html):
on a Wagtail page, the CMS switch, which finds the page's translation; elsewhere, this page in
the other language, worked out as Django's ``set_language`` does (``translate_url`` of the
unprefixed path, resolved in the default language). The unprefixed path resolves to what the
request's own path did (no URL pattern is translated), so the request's ``resolver_match`` is
reversed in the other language instead of resolving the path a second time (issue 14).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation

from marketplace.context_processors import path_without_language

register = template.Library()


def _reversed_match(request, next_url: str, code: str) -> str | None:
    """``translate_url(next_url, code)`` from the request's match, or None when that match is
    not the one ``translate_url`` would find (no match, another path, a %-escape to decode)."""
    match = getattr(request, "resolver_match", None)
    path, _, query = next_url.partition("?")
    if match is None or "%" in path or path != path_without_language(request.path_info):
        return None
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with translation.override(code):
        try:
            url = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return next_url
    return f"{url}?{query}" if query else url


@register.simple_tag(takes_context=True)
def language_url(context, code: str) -> str:
    page = context.get("page")
    if getattr(page, "translation_key", None):
        query = urlencode({"language": code, "page": page.pk})
        return f"{reverse('cms_switch_language')}?{query}"
    next_url = context.get("language_next", "/")
    url = _reversed_match(context.get("request"), next_url, code)
    if url is not None:
        return url
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(next_url, code)
