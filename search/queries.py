"""Query objects: what a caller asks a search backend, as frozen data.

A query says *what* is wanted, never how a backend finds it; each backend translates it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
