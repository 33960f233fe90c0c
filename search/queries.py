"""Query objects: what a caller asks a search backend, as frozen data.

A query says *what* is wanted, never how a backend finds it; each backend translates it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from marketplace.i18n import english_active
from search.text import is_searchable

# A person types a few words; anything longer is cut here so no backend sees a huge query.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SupplierQuery:
    """Free text over supplier profiles: names, descriptions, keywords and CPV labels.

    ``text`` is kept as given (trimmed and cut to ``MAX_QUERY_LENGTH``); ``terms`` are its words
    without punctuation or operators' quotes, which backends match one by one.
    """

    text: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", (self.text or "").strip()[:MAX_QUERY_LENGTH])

    @property
    def terms(self) -> tuple[str, ...]:
        """The distinct words of ``text`` in order, at most ``MAX_TERMS``, lower-cased."""
        seen: dict[str, None] = {}
        for word in _WORD.findall(self.text.lower()):
            seen.setdefault(word, None)
        return tuple(seen)[:MAX_TERMS]

    @property
    def is_empty(self) -> bool:
        return not self.terms


# The facets a site-wide search filters and counts on.
FACETS = ("kind", "cpv_division", "county", "status", "source")
PER_PAGE = 20
MAX_PAGE = 50
# The languages the site has a page tree in (settings.LANGUAGES), as documents store them.
LANGUAGES = ("nb", "en")


def _clean(values, *, max_length: int = 20) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values or ():
        value = str(value).strip()[:max_length]
        if value:
            seen.setdefault(value, None)
    return tuple(seen)[:20]


@dataclass(frozen=True)
class SiteQuery:
    """A site-wide search: free text over every kind, narrowed by facets, one page of hits.

    ``text`` is trimmed and cut like ``SupplierQuery``; facet values are strings (kinds
    "tender", "need", "supplier", "page"; two-digit CPV divisions; county numbers; statuses;
    sources "own", "doffin", "cms"). ``page`` counts from 1 and stops at ``MAX_PAGE``.

    ``language`` ("nb" or "en") is the language of the page that asks, the active one unless
    given: CMS pages are searched in that language's tree only, while tenders, needs and
    suppliers (written by people in one language) are searched whatever their language.
    """

    text: str = ""
    kinds: tuple[str, ...] = ()
    cpv_divisions: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    page: int = 1
    per_page: int = PER_PAGE
    language: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", (self.text or "").strip()[:MAX_QUERY_LENGTH])
        language = (self.language or "").strip().lower()[:2]
        if language not in LANGUAGES:
            language = "en" if english_active() else "nb"
        object.__setattr__(self, "language", language)
        for name in ("kinds", "cpv_divisions", "counties", "statuses", "sources"):
            object.__setattr__(self, name, _clean(getattr(self, name)))
        object.__setattr__(self, "page", min(max(int(self.page or 1), 1), MAX_PAGE))
        object.__setattr__(self, "per_page", min(max(int(self.per_page or PER_PAGE), 1), 100))

    @property
    def terms(self) -> tuple[str, ...]:
        return SupplierQuery(self.text).terms

    @property
    def is_empty(self) -> bool:
        """No word to search for (no text, or only stop words, single letters, punctuation
        and operators): every backend then lists what the facets allow, newest first."""
        return not any(is_searchable(term) for term in self.terms)

    @property
    def has_no_searchable_word(self) -> bool:
        """Text was given, but nothing in it can be searched for (the page says so)."""
        return bool(self.text) and self.is_empty

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def filters(self) -> dict[str, tuple[str, ...]]:
        """Facet name -> chosen values, for the facets that narrow this query."""
        chosen = {
            "kind": self.kinds,
            "cpv_division": self.cpv_divisions,
            "county": self.counties,
            "status": self.statuses,
            "source": self.sources,
        }
        return {name: values for name, values in chosen.items() if values}
