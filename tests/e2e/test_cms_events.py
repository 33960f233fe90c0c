"""WCAG 2.1 A/AA (axe-core) on the event index, an event (open, with errors, full) and the
indicators page, in Bokmål and English."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import (
    EventRegistrationFactory,
    LotFactory,
    NeedFactory,
    make_event,
    make_indicators_page,
    translate,
)
from tests.factories.tenders import TenderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _event(**fields):
    start = (timezone.now() + datetime.timedelta(days=10)).replace(
        minute=0, second=0, microsecond=0
    )
    event = make_event(
        start=start,
        end=start + datetime.timedelta(hours=2),
        digital_link="https://teams.example/m",
        **fields,
    )
    english = translate(event, title="Market dialogue: school transport", lead="We explain.")
    return event, english


@pytest.mark.parametrize("language", ["nb", "en"])
def test_event_index_and_event_have_no_wcag_violations(new_page, assert_accessible, language):
    event, english = _event()
    page_for = {"nb": event, "en": english}[language]
    page = new_page()

    response = page.goto(page_for.get_parent().url)
    assert response.status == 200
    assert_accessible(page)

    response = page.goto(page_for.url)
    assert response.status == 200
    assert_accessible(page)

    # submit the form empty: the error summary and field errors
    page.locator("form.event-registration button[type=submit]").click()
    assert page.locator(".ds-error-summary").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_full_event_has_no_wcag_violations(new_page, assert_accessible, language):
    event, english = _event(capacity=1)
    EventRegistrationFactory(event=event)
    page = new_page(width=375)

    response = page.goto({"nb": event, "en": english}[language].url)

    assert response.status == 200
    assert page.locator("#registration .ds-alert").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_indicators_page_has_no_wcag_violations(new_page, assert_accessible, language):
    tender = TenderFactory(published=True)
    LotFactory(tender=tender, number=1, suitable_for_smb=True)
    NeedFactory(open=True)
    indicators = make_indicators_page()
    english = translate(indicators, title="Indicators")
    page = new_page()

    response = page.goto({"nb": indicators, "en": english}[language].url)

    assert response.status == 200
    # every indicator has data now that bids, awards and pilots exist: one chart each
    assert page.locator("svg[role=img]").count() == 12
    assert_accessible(page)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_chart_label_lies_inside_its_chart(new_page, language):
    """The y-axis labels were clipped ("100.0 %" showed as "00.0 %") in both languages."""
    tender = TenderFactory(published=True)
    LotFactory(tender=tender, number=1, suitable_for_smb=True)
    indicators = make_indicators_page()
    english = translate(indicators, title="Indicators")
    page = new_page(width=1280)
    page.goto({"nb": indicators, "en": english}[language].url)

    outside = page.evaluate(
        """() => Array.from(document.querySelectorAll('svg.indicator-chart__svg')).flatMap(svg => {
             const box = svg.getBoundingClientRect();
             return Array.from(svg.querySelectorAll('text')).filter(text => {
               const r = text.getBoundingClientRect();
               return r.left < box.left - 0.5 || r.right > box.right + 0.5
                   || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
             }).map(text => text.textContent);
           })"""
    )
    labels = page.locator("svg.indicator-chart__svg text.indicator-chart__tick").all_text_contents()

    assert any("100" in label for label in labels), "a share chart with its 100 % tick is drawn"
    assert outside == []
