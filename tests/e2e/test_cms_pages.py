"""axe (WCAG 2.1 A/AA) on every page type of helper "pages", in both languages, and the
editorial journey: an editor writes a success story, submits it, a moderator approves, and the
public page shows it."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone

from cms.editorial import EDITORS, MODERATORS, ensure_moderation_workflow
from tests.conftest import with_totp
from tests.factories import (
    NeedFactory,
    TenderFactory,
    make_accessibility_statement,
    make_faq,
    make_guide,
    make_news,
    make_news_index,
    make_story,
    make_story_index,
)
from tests.factories.events import translate
from tests.factories.pages import make_home_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_TYPES = {
    "story_index": ("/suksesshistorier/", "/en/success-stories/"),
    "story": ("/suksesshistorier/sensorer/", "/en/success-stories/sensors/"),
    "guide": ("/slik-selger-du-til-fylkeskommunen/", "/en/how-to-sell/"),
    "news_index": ("/nyheter/", "/en/news/"),
    "news": ("/nyheter/apnet/", "/en/news/opened/"),
    "faq": ("/sporsmal-og-svar/", "/en/faq/"),
    "accessibility": ("/tilgjengelighetserklaering/", "/en/tilgjengelighetserklaering/"),
    "home": ("/", "/en/"),
}


def _decided_pilot():
    """A scaled-up pilot with KPIs, so the story's facts box shows every pilot fact."""
    from decimal import Decimal

    from tests.factories.pilots import KpiFactory, PilotFactory

    pilot = PilotFactory(
        tender=TenderFactory(published=True, is_pilot=True),
        status="decided",
        outcome="scaled_up",
        outcome_reason="Målene ble nådd.",
        decided_at=timezone.now(),
        contract_value=Decimal("4500000"),
    )
    KpiFactory(pilot=pilot, name="Færre fallulykker", target=Decimal(20), measured=Decimal(25))
    KpiFactory(pilot=pilot, name="Mindre strøsand", target=Decimal(10), measured=Decimal(5))
    return pilot


def _site() -> None:
    make_home_page()
    TenderFactory(
        published=True,
        is_pilot=True,
        question_deadline=None,
        submission_deadline=timezone.now() + datetime.timedelta(days=5),
    )
    NeedFactory(status="open", is_pilot_opportunity=True, published_at=timezone.now())
    stories = make_story_index()
    translate(stories, title="Success stories", slug="success-stories")
    pilot = _decided_pilot()
    translate(
        make_story(
            index=stories,
            slug="sensorer",
            pilot=pilot,
            tender=pilot.tender,
            supplier=pilot.supplier,
        ),
        title="Sensors",
        slug="sensors",
    )
    translate(make_guide(), title="How to sell to the county", slug="how-to-sell")
    news = make_news_index()
    translate(news, title="News", slug="news")
    translate(make_news(index=news, slug="apnet"), title="Opened", slug="opened")
    translate(make_faq(), title="Questions and answers", slug="faq")
    translate(make_accessibility_statement(), title="Accessibility statement")


@pytest.mark.parametrize("language", [0, 1], ids=["nb", "en"])
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_cms_page_types_have_no_wcag_violations(new_page, assert_accessible, kind, language):
    _site()
    page = new_page()

    response = page.goto(PAGE_TYPES[kind][language])

    assert response.status == 200
    assert_accessible(page)


def test_story_index_with_filters_has_no_wcag_violations(new_page, assert_accessible):
    _site()
    page = new_page(width=375)

    page.goto("/en/success-stories/?outcome=scaled_up")

    assert "Sensors" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto("/en/success-stories/?outcome=stopped")
    assert "No success stories match" in page.locator("main").inner_text()
    assert_accessible(page)


def test_language_switch_keeps_the_page(new_page):
    _site()
    page = new_page()
    page.goto("/slik-selger-du-til-fylkeskommunen/")

    page.click(".language-switch a[hreflang=en]")  # anonymous: a link (ADR 0014)

    assert page.url.endswith("/en/how-to-sell/")
    assert page.locator("h1").inner_text() == "How to sell to the county"


def test_editor_writes_a_story_and_a_moderator_approves_it(new_page):
    from marketplace.models import User
    from tests.factories import SupplierFactory

    make_home_page()
    ensure_moderation_workflow(apps)  # the live server flushed what the migration made
    index = make_story_index()
    supplier = SupplierFactory(name="Nordlys Sensorikk AS")
    tender = TenderFactory(published=True, is_pilot=True, title="Sensorbasert vinterdrift")
    # editors and moderators publish to the public site, so they must use TOTP
    editor = with_totp(
        User.objects.create_user(email="redaktor@pilotmarked.test", password="x" * 12)
    )
    editor.groups.add(Group.objects.get(name=EDITORS))
    moderator = with_totp(
        User.objects.create_user(email="moderator@pilotmarked.test", password="y" * 12)
    )
    moderator.groups.add(Group.objects.get(name=MODERATORS))

    # the editor writes the story and submits it for moderation
    page = new_page(user=editor, width=1400, height=1000)
    page.goto(f"/cms-admin/pages/add/cms/successstorypage/{index.pk}/")
    page.fill("#id_title", "Sensorer på sykkelveien")
    page.fill("#id_lead", "Sensorer varsler is før noen faller.")
    page.select_option("#id_supplier", str(supplier.pk))
    page.select_option("#id_tender", str(tender.pk))
    page.click("footer [data-w-dropdown-target='toggle']")
    page.click("footer button[name='action-submit']")
    page.wait_for_url("**/cms-admin/pages/**")
    from cms.models import SuccessStoryPage

    story = SuccessStoryPage.objects.get(title="Sensorer på sykkelveien")
    assert not story.live
    assert story.current_workflow_state is not None

    # the moderator approves (which publishes)
    page = new_page(user=moderator, width=1400, height=1000)
    page.goto(f"/cms-admin/pages/{story.pk}/edit/")
    page.click("footer [data-w-dropdown-target='toggle']")
    with page.expect_navigation():
        page.click(
            "footer button[data-workflow-action-name='approve']"
            ":not([data-workflow-action-modal-url])"
        )

    story.refresh_from_db()
    assert story.live
    public = new_page()
    public.goto(story.url)
    assert public.locator("h1").inner_text() == "Sensorer på sykkelveien"
    assert "Nordlys Sensorikk AS" in public.locator("aside").inner_text()
