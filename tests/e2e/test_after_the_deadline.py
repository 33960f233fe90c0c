"""In Chromium, with no worker and no periodic close: right after the deadline the bid opener
finds the tender in the workspace and opens its bids; the buyer finds the questions waiting for
an answer from the workspace and the tender page. WCAG 2.1 A/AA checked on each page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from marketplace.models import Role
from tenders.models import Tender
from tests.factories import TenderFactory
from tests.factories.bid_evaluation import buyer_user
from tests.factories.tenders import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_opener_finds_and_opens_a_tender_right_after_its_deadline(
    new_page, assert_accessible, buyer, buyer_unit
):
    # given a tender whose deadline passed a minute ago, and nothing has closed it
    now = timezone.now()
    tender = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        published=True,
        title="Skoleskyss etter fristen",
        question_deadline=now - datetime.timedelta(days=3),
        submission_deadline=now - datetime.timedelta(minutes=1),
    )
    opener = buyer_user(buyer, Role.BID_OPENER, unit=buyer_unit, email="apner@afk.test")
    page = new_page(user=opener)

    # when the opener opens the workspace
    page.goto("/innkjop/")
    waiting = page.locator("section[aria-labelledby='to-open-heading']")
    link = waiting.get_by_role("link", name=f"{tender.reference} {tender.title}")
    assert link.is_visible()
    assert_accessible(page)

    # then the tender's bids page is one click away, and opening works
    link.click()
    page.wait_for_url(f"**/konkurranser/{tender.reference}/tilbud/")
    assert_accessible(page)
    page.locator("form[action$='/tilbud/apne/'] button").click()
    page.wait_for_url("**/protokoll/")
    tender.refresh_from_db()
    assert tender.status == Tender.Status.CLOSED
    assert tender.opening.is_open


def test_the_buyer_finds_open_questions_from_the_workspace(
    new_page, assert_accessible, buyer, buyer_unit, procurement_officer
):
    tender = TenderFactory(buyer=buyer, unit=buyer_unit, published=True, title="Snørydding")
    QuestionFactory(tender=tender)
    QuestionFactory(tender=tender)
    page = new_page(user=procurement_officer)

    page.goto("/innkjop/")
    assert page.locator("#open-questions").is_visible()
    assert_accessible(page)
    page.locator(f"td a[href$='/konkurranser/{tender.reference}/sporsmal/']").click()
    page.wait_for_url(f"**/konkurranser/{tender.reference}/sporsmal/")

    page.goto(f"/innkjop/konkurranser/{tender.reference}/")
    questions = page.locator("#open-questions").get_by_role("link")
    assert "2" in questions.inner_text()
    assert_accessible(page)
    questions.click()
    page.wait_for_url(f"**/konkurranser/{tender.reference}/sporsmal/")
