"""Which of the site's two languages is active, and content kept in both: the one home for
picking a language's text (never ``get_language() == "nb"`` or ``startswith("en")`` elsewhere)."""

from __future__ import annotations

from django.utils.translation import get_language


def english_active() -> bool:
    return (get_language() or "").startswith("en")


def active_language() -> str:
    """``"en"`` or ``"nb"``: the site's language in use now (Bokmål unless English is active)."""
    return "en" if english_active() else "nb"


def in_active_language(nb: str, en: str) -> str:
    """``en`` when English is active and it has text, else ``nb`` (or ``en`` if ``nb`` is empty)."""
    if english_active():
        return en or nb
    return nb or en
