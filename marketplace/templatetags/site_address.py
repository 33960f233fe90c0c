"""``{{ path|absolute }}``: a site path as an absolute address on ``SITE_URL``
(marketplace.site_url), for templates that must name the site in full (Open Graph images)."""

from __future__ import annotations

from django import template

from marketplace.site_url import absolute_url

register = template.Library()


@register.filter
def absolute(path: str) -> str:
    return absolute_url(str(path or ""))
