"""A procurement officer previews a tender's contract notice in words, sends it to Doffin (a local
fake of the Notices API) and sees its status and Doffin id on the page; no WCAG violations
(Bokmål and English)."""

from __future__ import annotations

import pytest
from django.utils import translation

from marketplace.models import Role
from tenders.models import NoticeSubmission
from tests.factories import BuyerFactory
from tests.factories.bid_evaluation import buyer_user
from tests.tenders.eforms.conftest import AFK, eforms_data, make_tender
from tests.tenders.eforms.test_doffin import FakeDoffin, configure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def national_rules():
    """Norway's national rules compiled once for the module (a minute in a fresh process), so
    the send below answers within the browser's timeout."""
    from tenders.eforms import rulesets

    eforms_data("nor", "src", "fields", "national-e.yaml")
    rulesets.executables(rulesets.NATIONAL_E)


@pytest.fixture
def tender(settings):
    from tests.factories import cpv_code
    from tests.factories.directory import municipality

    settings.EFORMS_BUYER_ADDRESSES = {
        AFK: {
            "city": "Oslo",
            "postal_code": "0107",
            "nuts": "NO081",
            "email": "postmottak@afk.no",
            "phone": "+47 00 00 00 00",
        }
    }
    settings.EFORMS_REVIEW_BODY = {
        **settings.EFORMS_REVIEW_BODY,
        "org_number": "000000000",
        "phone": "+47 00 00 00 01",
    }
    buyer = BuyerFactory(name="Akershus fylkeskommune", org_number=AFK)
    place = municipality("3201", "Bærum")
    cpv = cpv_code("72000000", "IT services", "Datatjenester")
    return make_tender(
        buyer, cpv, place, band="national", value="1500000", title="Nytt fagsystem for skyss"
    )


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_an_officer_previews_and_sends_the_notice(
    national_rules, tender, new_page, assert_accessible, settings, prefix
):
    officer = buyer_user(tender.buyer, Role.PROCUREMENT_OFFICER, unit=tender.unit)
    answer = {"doffinId": "2026-300001", "status": "Submitted"}
    with FakeDoffin([(201, answer)]) as fake:
        configure(settings, fake.url)
        page = new_page(user=officer)
        # when: the officer opens the preview
        response = page.goto(
            f"{prefix}/innkjop/konkurranser/{tender.reference}/kunngjoring/contract/"
        )
        # then: the notice in words
        assert response.status == 200
        facts = page.locator("main dl.tender-facts")
        assert "Nytt fagsystem for skyss" in facts.inner_text()
        assert AFK in facts.inner_text() and "72000000" in facts.inner_text()
        assert "LOT-0001" in page.locator("main").inner_text()
        assert_accessible(page)
        # when: sends it (the business rules run now)
        with page.expect_navigation(timeout=60_000):
            page.locator("main form[action$='/send/'] button[type=submit]").click()
        # then: Doffin got it once, and the page says what Doffin answered
        assert len(fake.requests) == 1
    submission = NoticeSubmission.objects.get(tender=tender)
    assert submission.status == NoticeSubmission.Status.SUBMITTED
    row = page.locator("main table tbody tr").first
    assert "2026-300001" in row.inner_text()
    with translation.override("en" if prefix else "nb"):
        assert str(submission.get_status_display()) in row.inner_text()
    assert submission.notice_id in page.locator("main .site-messages [role=status]").inner_text()
    assert_accessible(page)
