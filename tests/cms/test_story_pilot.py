"""A success story reads its pilot's facts from the data: change the pilot and the page changes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pilots.models import Pilot
from tests.factories import OrganisationUnitFactory, SupplierFactory, TenderFactory, make_story
from tests.factories.events import translate
from tests.factories.pilots import KpiFactory, PilotFactory
from tests.html_helpers import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot():
    unit = OrganisationUnitFactory(name="Samferdsel", name_en="Transport")
    tender = TenderFactory(published=True, buyer=unit.organisation, unit=unit, is_pilot=True)
    pilot = PilotFactory(
        tender=tender,
        supplier=SupplierFactory(name="Nordlys Sensorikk AS"),
        budget=Decimal("800000"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 6, 30),
        status=Pilot.Status.ENDED,
    )
    KpiFactory(
        pilot=pilot, name="Færre glatteulykker", target=Decimal("20"), measured=Decimal("25")
    )
    KpiFactory(pilot=pilot, name="Lavere strømforbruk", target=Decimal("10"), measured=Decimal("5"))
    KpiFactory(pilot=pilot, name="Fornøyde brukere", target=Decimal("80"))
    return pilot


def _facts(client, story) -> str:
    response = client.get(story.url)
    assert response.status_code == 200
    return parse(response).first("aside", aria_labelledby="facts-heading").text


def test_story_shows_the_pilots_facts(client, pilot):
    story = translate(
        make_story(pilot=pilot, tender=pilot.tender, supplier=pilot.supplier), title="Sensors"
    )

    text = _facts(client, story)

    assert "Transport" in text
    assert "Budget of the pilot" in text and "NOK 800,000" in text
    assert "180 days" in text
    assert "1 of 3" in text and "Færre glatteulykker" in text
    assert "Lavere strømforbruk" not in text
    assert "Not decided yet" in text


def test_changing_the_pilot_changes_the_page(client, pilot):
    story = translate(
        make_story(pilot=pilot, tender=pilot.tender, supplier=pilot.supplier), title="Sensors"
    )
    assert "Scaled up" not in _facts(client, story)

    # when the pilot is decided and the second KPI reaches its target
    Pilot.objects.filter(pk=pilot.pk).update(
        status=Pilot.Status.DECIDED,
        outcome=Pilot.Outcome.SCALED_UP,
        outcome_reason="Målene ble nådd.",
        contract_value=Decimal("4500000"),
        ends_on=datetime.date(2026, 7, 31),
    )
    pilot.kpis.filter(name="Lavere strømforbruk").update(measured=Decimal("12"))

    text = _facts(client, story)
    assert "Scaled up" in text
    assert "Value of the full purchase" in text and "NOK 4,500,000" in text
    assert "2 of 3" in text and "Lavere strømforbruk" in text
    assert "211 days" in text


def test_story_pilot_must_belong_to_its_supplier_and_tender(pilot):
    story = make_story(pilot=pilot, tender=pilot.tender, supplier=pilot.supplier)
    story.supplier = SupplierFactory()
    with pytest.raises(ValidationError) as error:
        story.full_clean()
    assert "pilot" in error.value.message_dict


def test_pilot_facts_in_bokmal(client, pilot):
    story = make_story(pilot=pilot, tender=pilot.tender, supplier=pilot.supplier)
    Pilot.objects.filter(pk=pilot.pk).update(
        status=Pilot.Status.DECIDED, outcome=Pilot.Outcome.CONTINUED, outcome_reason="Mer data."
    )
    text = _facts(client, story)
    assert "Videreført" in text
    assert "Færre glatteulykker" in text
