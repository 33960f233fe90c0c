"""Content kept in both languages: pick the active language's text, falling back to the other."""

from __future__ import annotations

from django.utils.translation import get_language


def english_active() -> bool:
    return (get_language() or "").startswith("en")


def in_active_language(nb: str, en: str) -> str:
    """``en`` when English is active and it has text, else ``nb`` (or ``en`` if ``nb`` is empty)."""
    if english_active():
        return en or nb
    return nb or en
