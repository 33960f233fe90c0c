"""Tender descriptions are formatted text: keep simple structure, remove everything unsafe."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h2", "h3", "h4", "a"}
    | {"blockquote", "table", "thead", "tbody", "tr", "th", "td", "abbr"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitise_description(html: str) -> str:
    """Allow-listed tags and attributes only; links get rel="noopener noreferrer nofollow"."""
    return nh3.clean(
        html or "",
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()
