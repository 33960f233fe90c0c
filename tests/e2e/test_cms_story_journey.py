"""The success story journey with a pilot: an editor writes a story in the Wagtail admin and
chooses its pilot in the chooser, submits it for moderation, a moderator approves, and the public
page shows the pilot's outcome read from the data — and follows the pilot when it changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from cms.editorial import EDITORS, MODERATORS, ensure_moderation_workflow
from tests.conftest import with_totp
from tests.factories import SupplierFactory, TenderFactory, make_story_index
from tests.factories.pages import make_home_page
from tests.factories.pilots import KpiFactory, PilotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_links_a_pilot_and_the_public_page_shows_its_outcome(new_page):
    from cms.models import SuccessStoryPage
    from marketplace.models import User
    from pilots.models import Pilot

    make_home_page()
    ensure_moderation_workflow(apps)  # the live server flushed what the migration made
    index = make_story_index()
    supplier = SupplierFactory(name="Nordlys Sensorikk AS")
    tender = TenderFactory(published=True, is_pilot=True, title="Sensorbasert vinterdrift")
    pilot = PilotFactory(
        title="Glattvarsling på sykkelveier",
        tender=tender,
        supplier=supplier,
        status=Pilot.Status.DECIDED,
        outcome=Pilot.Outcome.CONTINUED,
        outcome_reason="Trenger én vinter til.",
        decided_at=timezone.now(),
    )
    KpiFactory(pilot=pilot, name="Treffsikre varsler", target=Decimal(85), measured=Decimal(88))
    PilotFactory(title="En annen pilot")
    # editors and moderators publish to the public site, so they must use TOTP
    editor = with_totp(
        User.objects.create_user(email="redaktor@pilotmarked.test", password="x" * 12)
    )
    editor.groups.add(Group.objects.get(name=EDITORS))
    moderator = with_totp(
        User.objects.create_user(email="moderator@pilotmarked.test", password="y" * 12)
    )
    moderator.groups.add(Group.objects.get(name=MODERATORS))

    # the editor writes the story, chooses the pilot in the chooser and submits it
    page = new_page(user=editor, width=1400, height=1000)
    page.goto(f"/cms-admin/pages/add/cms/successstorypage/{index.pk}/")
    page.fill("#id_title", "Sensorer på sykkelveien")
    page.fill("#id_lead", "Sensorer varsler is før noen faller.")
    page.select_option("#id_supplier", str(supplier.pk))
    page.select_option("#id_tender", str(tender.pk))
    page.locator("[data-chooser-action-choose]").filter(has_text="pilot").first.click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("textbox").fill("Glatt")
    expect(modal.get_by_role("link", name="En annen pilot")).to_have_count(0)
    modal.get_by_role("link", name="Glattvarsling på sykkelveier").click()
    expect(page.locator("#id_pilot")).to_have_value(str(pilot.pk))
    page.click("footer [data-w-dropdown-target='toggle']")
    page.click("footer button[name='action-submit']")
    page.wait_for_url("**/cms-admin/pages/**")

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
    assert story.live and story.pilot_id == pilot.pk

    # the public page shows the pilot's outcome from the data
    public = new_page()
    public.goto(story.url)
    facts = public.locator("aside.facts-box")
    assert facts.locator("[data-fact=pilot-outcome]").inner_text() == "Videreført"
    assert "Treffsikre varsler" in facts.inner_text()

    # and follows the pilot when it changes
    Pilot.objects.filter(pk=pilot.pk).update(outcome=Pilot.Outcome.SCALED_UP)
    public.reload()
    # the pilot's own label (cms uses Pilot.Outcome, not a shorter copy of its choices)
    outcome = facts.locator("[data-fact=pilot-outcome]").inner_text()
    assert outcome == "Skalert opp til en full anskaffelse"
