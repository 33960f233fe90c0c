"""The demo bids: a past-deadline pilot tender, opened, evaluated and awarded; idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bids.models import AwardDecision, Bid, TenderOpening
from tenders.models import Tender

pytestmark = pytest.mark.django_db


def test_seed_demo_bids_refuses_without_the_demo_people():
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_bids", stdout=io.StringIO())


def test_seed_demo_bids_makes_an_awarded_pilot_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO(), stderr=io.StringIO())
    tender = Tender.objects.get(title="Pilot: energistyring i skolebygg")
    assert tender.status == Tender.Status.AWARDED
    assert Bid.objects.filter(tender=tender, status="submitted").count() == 2
    assert Bid.objects.filter(tender=tender, is_joint=True).count() == 1
    assert TenderOpening.objects.get(tender=tender).protocol["bid_count"] == 2
    assert AwardDecision.objects.filter(tender=tender, status="active").count() == 1

    out = io.StringIO()
    call_command("seed_demo_bids", stdout=out)
    assert "0 new rows" in out.getvalue()
    assert Tender.objects.filter(title="Pilot: energistyring i skolebygg").count() == 1
