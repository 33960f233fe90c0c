"""seed_demo makes two demo pilots (one scaled up, one running) and a second run adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from pilots.models import Pilot


@pytest.fixture
def seeded(settings, db):
    settings.DEBUG = True  # seed_demo refuses to run without DEBUG (it makes known passwords)
    call_command("seed_demo", stdout=io.StringIO())


def test_demo_pilots_with_milestones_and_kpis(seeded):
    pilots = {pilot.status: pilot for pilot in Pilot.objects.all()}

    assert set(pilots) == {"running", "decided"}
    assert pilots["decided"].outcome == "scaled_up"
    for pilot in pilots.values():
        assert pilot.milestones.count() >= 3
        assert pilot.kpis.count() == 3
        assert pilot.entries.exists()
        assert pilot.supplier.kind == "supplier" and pilot.buyer.kind == "buyer"


def test_second_run_adds_nothing(seeded):
    out = io.StringIO()
    call_command("seed_demo_pilots", stdout=out)

    assert Pilot.objects.count() == 2
    assert "0 demo pilots added" in out.getvalue()


def test_missing_demo_tenders_is_a_clear_error(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="run seed_demo"):
        call_command("seed_demo_pilots", stdout=io.StringIO())
