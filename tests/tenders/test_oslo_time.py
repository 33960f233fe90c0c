import datetime

from django.template import Context, Template
from django.utils import translation

UTC = datetime.UTC


def render(value, lang="en"):
    with translation.override(lang):
        return Template("{% load oslo_time %}{{ value|oslo_datetime }}").render(
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
