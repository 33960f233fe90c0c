"""StreamField blocks refuse inaccessible content: heading levels, alt text, link text, video."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cms.blocks import (
    AccessibleImageBlock,
    HeadingBlock,
    LinkBlock,
    ThresholdsTableBlock,
    VideoBlock,
    current_thresholds,
)
from tenders.models import Threshold
from tests.html_helpers import parse


def test_heading_levels_are_limited_to_two_to_four():
    block = HeadingBlock()

    with pytest.raises(ValidationError):
        block.clean(block.to_python({"text": "Behovet", "level": "h1"}))
    for level in ("h2", "h3", "h4"):
        value = block.clean(block.to_python({"text": "Behovet", "level": level}))
        assert f"<{level} " in block.render(value)


def test_link_needs_text_that_says_where_it_goes():
    block = LinkBlock()

    with pytest.raises(ValidationError) as error:
        block.clean(block.to_python({"url": "https://example.test/", "text": "Klikk her"}))
    assert "text" in error.value.block_errors

    value = block.clean(
        block.to_python({"url": "https://example.test/", "text": "Les veilederen om terskler"})
    )
    assert 'href="https://example.test/"' in block.render(value)


def test_link_needs_a_page_or_an_address():
    block = LinkBlock()

    with pytest.raises(ValidationError) as error:
        block.clean(block.to_python({"text": "Veilederen"}))

    assert "url" in error.value.block_errors


def test_image_needs_alt_text():
    block = AccessibleImageBlock()

    with pytest.raises(ValidationError):
        block.clean(block.to_python({"image": None, "alt_text": "  "}))


@pytest.mark.django_db
def test_video_needs_a_transcript_and_a_title():
    block = VideoBlock()

    with pytest.raises(ValidationError) as error:
        block.clean(
            block.to_python({"video": "https://video.test/1", "title": "", "transcript": ""})
        )

    assert {"title", "transcript"} <= set(error.value.block_errors)


@pytest.mark.django_db
def test_thresholds_table_shows_the_rows_the_tenders_use():
    Threshold.objects.all().delete()
    Threshold.objects.create(
        contract_type="goods",
        valid_from=datetime.date(2020, 1, 1),
        regulated_from=Decimal("100000"),
        national=Decimal("1300000"),
        eea=Decimal("2000000"),
    )
    Threshold.objects.create(
        contract_type="goods",
        valid_from=datetime.date(2024, 1, 1),
        regulated_from=Decimal("100000"),
        national=Decimal("1300000"),
        eea=Decimal("2300000"),
    )

    assert [t.eea for t in current_thresholds(datetime.date(2026, 6, 1))] == [Decimal("2300000")]
    with translation.override("en"):
        html = ThresholdsTableBlock().render(None)
    table = parse(html).first("table")
    assert table.first("caption").text.startswith("Procurement thresholds in force")
    row = table.first("tbody").first("tr")
    assert row.first("th").text == "Goods"
    assert "2,300,000" in row.text
