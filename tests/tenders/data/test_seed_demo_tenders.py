"""seed_demo_tenders: demo data written in code, idempotent, and valid as OCDS."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tenders.models import Need, Question, Tender, TestArena

from .conftest import cove_results, ocds_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.OCDS_OCID_PREFIX = "ocds-test01-pilotmarked-"
    call_command("seed_demo", force=True, quiet_logins=True, stdout=StringIO())


def test_demo_has_needs_arenas_tenders_across_states_and_answered_questions(demo):
    assert TestArena.objects.published().count() == 3
    assert Need.objects.public().count() == 3
    assert Need.objects.filter(is_pilot_opportunity=True, test_arena__isnull=False).exists()
    statuses = sorted(Tender.objects.own().values_list("status", flat=True))
    # seed_demo_bids adds a sixth, awarded after opening and evaluation.
    assert statuses == sorted(
        ["published", "published", "closed", "awarded", "awarded", "cancelled"]
    )
    two_lots = Tender.objects.get(title__startswith="Sensorbasert vinterdrift")
    assert two_lots.lots.count() == 2
    assert two_lots.lots.filter(suitable_for_smb=True).count() == 1
    assert two_lots.need.slug == "smartere-vinterdrift"
    assert Question.objects.published().filter(tender=two_lots).count() == 2
    for tender in Tender.objects.own():
        assert sum(c.weight for c in tender.criteria.all()) == 100
    assert not Tender.objects.external().exists()  # no shared data needed or used


def test_running_it_again_adds_nothing(demo):
    counts = (Tender.objects.count(), Need.objects.count(), TestArena.objects.count())
    out = StringIO()

    call_command("seed_demo_tenders", stdout=out)

    assert "(0 new rows)" in out.getvalue()
    assert (Tender.objects.count(), Need.objects.count(), TestArena.objects.count()) == counts


def test_demo_release_package_validates_against_ocds_1_1_5(client, demo):
    package = client.get("/ocds/releases.json").json()

    assert len({release["ocid"] for release in package["releases"]}) == 6
    assert ocds_errors(package) == []
    results = cove_results(package)
    assert (results["validation_errors"], results["additional_fields"]) == ([], [])
    records = client.get("/ocds/records.json").json()
    assert ocds_errors(records, kind="record") == []


def test_without_the_demo_buyer_it_says_what_to_run_first(db):
    with pytest.raises(CommandError, match=re.escape("run `manage.py seed_demo` first")):
        call_command("seed_demo_tenders", stdout=StringIO())
