"""Text kept in both languages is picked by one rule (marketplace.i18n), in code and templates."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from marketplace.i18n import active_language, english_active

TAG = "{% load active_language %}{% in_active_language nb en %}"


@pytest.mark.parametrize(
    ("lang", "nb", "en", "expected"),
    [
        ("nb", "Testarena", "Test arena", "Testarena"),
        ("en", "Testarena", "Test arena", "Test arena"),
        ("en", "Testarena", "", "Testarena"),  # no English text: the Bokmål one
        ("nb", "", "Test arena", "Test arena"),
        ("en", "Nord & Sør", None, "Nord &amp; Sør"),  # escaped like any variable
    ],
)
def test_the_template_tag_picks_the_active_languages_text(lang, nb, en, expected):
    with translation.override(lang):
        assert Template(TAG).render(Context({"nb": nb, "en": en})) == expected


def test_the_active_language_is_bokmal_unless_english_is_active():
    with translation.override("en"):
        assert english_active() and active_language() == "en"
    with translation.override("nb"):
        assert not english_active() and active_language() == "nb"
    with translation.override(None):
        assert active_language() == "nb"


def test_no_language_is_picked_by_hand_elsewhere():
    root = Path(__file__).resolve().parents[2]
    by_hand = (
        'get_language() == "nb"',
        'get_language() == "en"',
        '.startswith("en")',
        '.startswith("nb")',
        'LANGUAGE_CODE == "en"',
        'LANG == "en"',
    )
    found = [
        f"{path.relative_to(root)}: {needle}"
        for folder in (
            "marketplace",
            "tenders",
            "bids",
            "pilots",
            "search",
            "matching",
            "cms",
            "templates",
        )
        for path in (root / folder).rglob("*")
        if path.suffix in {".py", ".html", ".txt"} and path.name != "i18n.py"
        for needle in by_hand
        if needle in path.read_text()
    ]
    assert found == []
