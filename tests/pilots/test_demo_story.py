"""The demo tells one true story: its pilots come from real awards and start after them, the
success stories' tenders are awarded, the CMS has one moderation workflow, named in Bokmål, and
every page names a favicon that exists."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_demo_tells_one_true_story(settings, client):
    from wagtail.models import Workflow

    from cms.editorial import WORKFLOW_NAME
    from cms.models import SuccessStoryPage
    from pilots.models import Pilot
    from tenders.models import Tender

    settings.DEBUG = True  # seed_demo refuses to run without DEBUG (it makes known passwords)
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO(), stderr=io.StringIO())

    pilots = list(Pilot.objects.select_related("award__bid", "award__lot", "tender"))
    assert len(pilots) == 2
    for pilot in pilots:
        assert pilot.award is not None, pilot.title
        assert pilot.award.tender_id == pilot.tender_id
        assert pilot.award.bid.supplier_id == pilot.supplier_id
        assert pilot.lot_id == pilot.award.lot_id
        assert pilot.starts_on > pilot.award.decided_at.date()
        assert pilot.tender.status == Tender.Status.AWARDED
        if pilot.decided_at:
            assert pilot.decided_at.date() > pilot.ends_on
    assert {pilot.status for pilot in pilots} == {"running", "decided"}

    stories = SuccessStoryPage.objects.filter(locale__language_code="nb")
    assert stories.count() == 2
    for story in stories:
        assert story.tender.status == Tender.Status.AWARDED, story.title
        assert story.pilot is not None and story.pilot.tender_id == story.tender_id

    assert list(Workflow.objects.values_list("name", flat=True)) == [WORKFLOW_NAME]
    assert WORKFLOW_NAME == "Moderator godkjenner"

    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert Path(finders.find("favicon.svg")).read_text().startswith("<svg")
