import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from marketplace import formatting

UTC = datetime.UTC


def render(value, lang="en"):
    with translation.override(lang):
        return Template("{% load formatting %}{{ value|oslo_datetime }}").render(
            Context({"value": value})
        )


def test_noon_in_oslo_after_the_october_change_is_shown_as_noon():
    # given 12:00 Europe/Oslo on 1 December 2026 (winter time, UTC+1), stored as 11:00 UTC
    value = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    # then
    assert render(value) == "1 December 2026 at 12:00 (Oslo time, CET)"


def test_summer_time_is_named():
    value = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert render(value) == "1 June 2026 at 12:00 (Oslo time, CEST)"


def test_the_night_of_the_change_back():
    # 00:30 UTC on 25 October 2026 is 02:30 CEST; 01:30 UTC is 02:30 CET.
    before = datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    after = datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert "02:30 (Oslo time, CEST)" in render(before)
    assert "02:30 (Oslo time, CET)" in render(after)


def test_empty_value_renders_nothing():
    assert render(None) == ""


def test_time_tag_carries_the_utc_instant():
    value = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    html = Template("{% load oslo_time %}{{ value|oslo_time_tag }}").render(
        Context({"value": value})
    )
    assert 'datetime="2026-12-01T11:00:00Z"' in html


def test_bokmal_wording():
    value = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    assert render(value, "nb") == "1. desember 2026 kl. 12:00 (norsk tid, CET)"


def test_the_older_library_name_gives_the_same_filters():
    value = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    with translation.override("en"):
        html = Template("{% load oslo_time %}{{ value|oslo_datetime }}").render(
            Context({"value": value})
        )
    assert html == "1 December 2026 at 12:00 (Oslo time, CET)"


# --- marketplace.formatting, called by services -----------------------------------------------

WINTER = datetime.datetime(2026, 12, 7, 16, 3, tzinfo=UTC)  # 17:03 CET
SUMMER = datetime.datetime(2026, 7, 7, 15, 3, tzinfo=UTC)  # 17:03 CEST


@pytest.mark.parametrize(
    ("lang", "value", "expected"),
    [
        ("nb", WINTER, "7. desember 2026 kl. 17:03 (norsk tid, CET)"),
        ("nb", SUMMER, "7. juli 2026 kl. 17:03 (norsk tid, CEST)"),
        ("en", WINTER, "7 December 2026 at 17:03 (Oslo time, CET)"),
        ("en", SUMMER, "7 July 2026 at 17:03 (Oslo time, CEST)"),
    ],
)
def test_a_moment_in_winter_and_summer_in_both_languages(lang, value, expected):
    with translation.override(lang):
        assert formatting.format_datetime(value) == expected


def test_the_date_of_a_moment_is_the_date_in_oslo():
    # 23:30 UTC on 31 December is already 1 January in Oslo
    value = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    with translation.override("nb"):
        assert formatting.format_date(value) == "1. januar 2027"
    with translation.override("en"):
        assert formatting.format_date(value) == "1 January 2027"
        assert formatting.format_date(datetime.date(2026, 12, 7)) == "7 December 2026"


def test_seconds_when_asked():
    with translation.override("en"):
        value = WINTER.replace(second=9)
        assert formatting.format_datetime(value, seconds=True).endswith("17:03:09 (Oslo time, CET)")


def test_utc_stamp():
    assert formatting.utc_stamp(SUMMER) == "2026-07-07T15:03:00Z"


NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("lang", "value", "places", "expected"),
    [
        ("nb", "8.50", None, "8,50"),
        ("en", "8.50", None, "8.50"),
        ("nb", Decimal("79.00"), None, "79,00"),
        ("nb", 1250000, None, f"1{NBSP}250{NBSP}000"),
        ("en", 1250000, None, "1,250,000"),
        ("nb", 8.5, 2, "8,50"),
        ("en", "2.345", 2, "2.35"),
        ("nb", "-1234.5", 1, f"-1{NBSP}234,5"),
    ],
)
def test_numbers_follow_the_active_language(lang, value, places, expected):
    with translation.override(lang):
        assert formatting.format_number(value, places) == expected


@pytest.mark.parametrize(
    ("lang", "value", "currency", "expected"),
    [
        ("nb", 1250000, "NOK", f"1{NBSP}250{NBSP}000{NBSP}kr"),
        ("en", 1250000, "NOK", f"NOK{NBSP}1,250,000"),
        ("nb", "8500.50", "NOK", f"8{NBSP}500,50{NBSP}kr"),
        ("en", "8500.50", "eur", f"EUR{NBSP}8,500.50"),
        ("nb", Decimal("1000.00"), "EUR", f"1{NBSP}000{NBSP}EUR"),
    ],
)
def test_money_follows_the_active_language(lang, value, currency, expected):
    with translation.override(lang):
        assert formatting.format_money(value, currency) == expected


def test_nothing_is_written_for_no_value_and_a_non_number_is_refused():
    assert formatting.format_number(None) == ""
    assert formatting.format_money("") == ""
    assert formatting.format_datetime(None) == ""
    with pytest.raises(ValueError, match="not a number"):
        formatting.format_number("eight")
    with pytest.raises(ValueError, match="finite"):
        formatting.format_number("NaN")


def test_number_and_money_filters():
    with translation.override("nb"):
        html = Template("{% load formatting %}{{ a|number:2 }} | {{ b|money }}").render(
            Context({"a": "8.5", "b": 1250000})
        )
    assert html == f"8,50 | 1{NBSP}250{NBSP}000{NBSP}kr"


def test_one_home_for_the_oslo_zone_and_no_service_imports_a_template_tag_module():
    root = Path(__file__).resolve().parents[2]
    sources = [
        path
        for folder in ("marketplace", "tenders", "bids", "pilots", "search", "matching", "cms")
        for path in (root / folder).rglob("*.py")
        if "templatetags" not in path.parts and "migrations" not in path.parts
    ]
    defining = [p for p in sources if 'ZoneInfo("Europe/Oslo")' in p.read_text()]
    assert defining == [root / "marketplace" / "formatting.py"]
    importing_tags = [
        p for p in sources if re.search(r"^from \w+\.templatetags", p.read_text(), re.M)
    ]
    assert importing_tags == []


@pytest.mark.parametrize("fmt", ["DATETIME_FORMAT", "DATE_FORMAT", "SHORT_DATETIME_FORMAT"])
def test_django_date_formats_in_english_are_not_us_style(fmt):
    # a safety net for any |date not written through marketplace.formatting (Wagtail, search)
    with translation.override("en"):
        text = Template("{{ value|date:fmt }}").render(Context({"value": WINTER, "fmt": fmt}))
    assert text.startswith("7 Dec")
    assert "a.m." not in text and "p.m." not in text
