"""Highlighting: a short excerpt of a document with the matched words in ``<mark>``.

Everything is escaped first and only our own ``<mark>`` tags are added, so a document's text can
never inject markup. A word is matched when its stem is one of the query's stems (or one of the
spellings a typo was corrected to), the same rule every backend searches by.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text import stem

EXCERPT_LENGTH = 240
_WORD = re.compile(r"\w+", re.UNICODE)


# Only this much of a long body is looked through for the excerpt.
SCAN_LENGTH = 20_000


def _matches(word: str, stems: Collection[str], prefixes: Collection[str]) -> bool:
    word = word.lower()
    return word[:3] in prefixes and stem(word) in stems


def highlight(text: str, stems: Collection[str], *, length: int = EXCERPT_LENGTH) -> SafeString:
    """An excerpt of ``text`` around its first matched word, matched words marked."""
    text = " ".join((text or "")[:SCAN_LENGTH].split())
    prefixes = {value[:3] for value in stems}
    spans = [m.span() for m in _WORD.finditer(text) if _matches(m.group(), stems, prefixes)]
    start = 0
    if spans and spans[0][0] > length // 3:
        start = text.rfind(" ", 0, spans[0][0] - length // 3) + 1
    end = min(len(text), start + length)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    pieces = ["… " if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(escape(text[position:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append(" …")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped above
