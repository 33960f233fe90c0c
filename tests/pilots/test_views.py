"""Pilot pages: the list, the pilot's page with its forms, POST actions; others get 404."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pilots.models import Pilot
from pilots.services import pilots as services
from tests.factories.pilots import PilotFactory
from tests.html_helpers import parse

pytestmark = pytest.mark.django_db


def url(name, pilot, **kwargs):
    return reverse(f"pilots:{name}", kwargs={"public_id": pilot.public_id, **kwargs})


def test_list_shows_my_pilots_and_awards_waiting(buyer_client, pilot, pilot_tender, supplier):
    from tests.factories.pilots import make_award

    other_lot_award = make_award(
        tender=pilot_tender,
        supplier=supplier,
        lot=pilot_tender.lots.create(number=2, title="Delkontrakt 2"),
    )
    PilotFactory(title="Annen kommunes pilot")  # another buyer's

    response = buyer_client.get(reverse("pilots:pilot_list"))

    main = parse(response).first("main").text
    assert response.status_code == 200
    assert "Smarte veilys" in main
    assert "Annen kommunes pilot" not in main
    assert reverse("pilots:pilot_create", kwargs={"award_id": other_lot_award.pk}) in (
        response.content.decode()
    )


def test_list_for_supplier_and_empty_state(supplier_client, client, pilot):
    assert "Smarte veilys" in supplier_client.get(reverse("pilots:pilot_list")).content.decode()
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("pilots:pilot_list"))
    assert response.status_code == 200
    assert parse(response).first("p", data_empty=True)


def test_list_redirects_anonymous(client):
    response = client.get(reverse("pilots:pilot_list"))
    assert response.status_code == 302


def test_list_paginates(supplier_client, supplier, django_assert_max_num_queries):
    for _ in range(21):
        PilotFactory(supplier=supplier)
    with django_assert_max_num_queries(20):
        first = supplier_client.get(reverse("pilots:pilot_list"))
    second = supplier_client.get(reverse("pilots:pilot_list"), {"page": 2})
    assert len(parse(first).first("main").first("table").first("tbody").select("tr")) == 20
    assert len(parse(second).first("main").first("table").first("tbody").select("tr")) == 1


def test_overview_counts_outcomes_and_contracts_per_year(buyer_client, buyer, buyer_unit):
    from tests.factories import TenderFactory

    tender = TenderFactory(buyer=buyer, unit=buyer_unit, in_evaluation=True, is_pilot=True)
    decided = {"status": "decided", "tender": tender}
    in_2025 = datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC)
    in_2026 = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    PilotFactory(**decided, outcome="scaled_up", decided_at=in_2025, contract_value=Decimal(1))
    PilotFactory(**decided, outcome="scaled_up", decided_at=in_2026)
    PilotFactory(**decided, outcome="scaled_up", decided_at=in_2026, contract_value=Decimal(5))
    PilotFactory(**decided, outcome="stopped", decided_at=in_2026)
    PilotFactory(**decided, outcome="continued", decided_at=in_2025)
    PilotFactory(tender=tender)  # not decided

    table = parse(buyer_client.get(reverse("pilots:pilot_list"))).first(
        "table", id="outcome-overview"
    )

    rows = [row.text.split() for row in table.select("tr")[1:]]
    # year, scaled up, continued, stopped, turned into contracts, total
    assert rows == [["2026", "2", "0", "1", "1", "3"], ["2025", "1", "1", "0", "1", "2"]]


def test_other_organisations_get_404(client, outsider, pilot):
    client.force_login(outsider)
    assert client.get(url("pilot_detail", pilot)).status_code == 404
    for name in ("pilot_start", "pilot_end", "note_add", "milestone_add", "kpi_add"):
        assert client.post(url(name, pilot), {"text": "x"}).status_code == 404
    assert not pilot.entries.filter(kind="note").exists()


def test_create_pilot_from_an_award(buyer_client, award):
    create = reverse("pilots:pilot_create", kwargs={"award_id": award.pk})
    assert buyer_client.get(create).status_code == 200

    response = buyer_client.post(
        create,
        {
            "title": "Veilys",
            "budget_owner": "Veisjef",
            "budget": "500000",
            "starts_on": "2026-02-01",
            "ends_on": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "Piloten må slutte etter at den starter." in response.content.decode()

    response = buyer_client.post(create, {"title": "Veilys", "budget_owner": "Veisjef"})
    pilot = Pilot.objects.get()
    assert response.status_code == 302 and response["Location"] == url("pilot_detail", pilot)
    # once created, the award is not offered again
    assert buyer_client.get(create).status_code == 404


def test_create_for_another_buyers_award_is_404(client, outsider, award):
    client.force_login(outsider)
    create = reverse("pilots:pilot_create", kwargs={"award_id": award.pk})
    assert client.get(create).status_code == 404


def test_buyer_runs_the_pilot_through_the_pages(buyer_client, pilot):
    # given a milestone and a KPI
    buyer_client.post(url("milestone_add", pilot), {"title": "Montering", "due_on": "2026-02-01"})
    buyer_client.post(
        url("kpi_add", pilot),
        {"name": "Energisparing", "unit": "%", "direction": "higher", "target": "20"},
    )
    milestone, kpi = pilot.milestones.get(), pilot.kpis.get()
    # when it runs, is measured and ends
    assert buyer_client.post(url("pilot_start", pilot)).status_code == 302
    buyer_client.post(url("milestone_done", pilot, milestone_id=milestone.pk))
    buyer_client.post(url("kpi_measure", pilot, kpi_id=kpi.pk), {"value": "25"})
    buyer_client.post(url("pilot_end", pilot))
    # a decision without a reason is refused with a field error
    response = buyer_client.post(url("pilot_decide", pilot), {"outcome": "stopped"})
    assert response.status_code == 400
    assert parse(response).first(id="id_reason_error")
    response = buyer_client.post(
        url("pilot_decide", pilot), {"outcome": "continued", "reason": "Trenger mer data."}
    )
    assert response.status_code == 302
    # then the page shows it all
    page = parse(buyer_client.get(url("pilot_detail", pilot)))
    kpi_row = page.first("table", id="kpi-table").first("tbody").text
    assert "Energisparing" in kpi_row and "25" in kpi_row and "Ja" in kpi_row  # Bokmål
    assert page.first(id="pilot-outcome").text == "Videreført"
    assert "Trenger mer data." in page.first("ol", id="timeline").text
    milestone.refresh_from_db()
    assert milestone.completed_on == timezone.localdate()
    # and a decided pilot offers no forms
    assert page.select("form", action=url("pilot_plan", pilot)) == []


def test_supplier_sees_timeline_and_may_note_and_measure(
    supplier_client, pilot, procurement_officer
):
    kpi = services.kpi_add(pilot=pilot, by=procurement_officer, name="Oppetid", target=99)
    services.pilot_start(pilot=pilot, by=procurement_officer)
    page = parse(supplier_client.get(url("pilot_detail", pilot)))
    assert page.select("form", action=url("milestone_add", pilot)) == []
    assert page.select("form", action=url("pilot_end", pilot)) == []
    assert page.select("form", action=url("note_add", pilot))

    supplier_client.post(url("note_add", pilot), {"text": "Alt virker."})
    supplier_client.post(url("kpi_measure", pilot, kpi_id=kpi.pk), {"value": "99.5"})
    refused = supplier_client.post(url("pilot_end", pilot))

    kpi.refresh_from_db()
    assert kpi.measured == Decimal("99.5")
    assert pilot.entries.filter(kind="note", text="Alt virker.").exists()
    assert refused.status_code == 302
    pilot.refresh_from_db()
    assert pilot.status == Pilot.Status.RUNNING


def test_measure_needs_a_number(supplier_client, pilot, procurement_officer):
    kpi = services.kpi_add(pilot=pilot, by=procurement_officer, name="Oppetid", target=99)
    services.pilot_start(pilot=pilot, by=procurement_officer)
    response = supplier_client.post(url("kpi_measure", pilot, kpi_id=kpi.pk), {"value": "mye"})
    assert response.status_code == 400
    assert "Målt verdi" in parse(response).first("div", class_="ds-error-summary").text


def test_kpi_of_another_pilot_is_404(supplier_client, pilot):
    other = PilotFactory()
    from tests.factories.pilots import KpiFactory

    kpi = KpiFactory(pilot=other)
    response = supplier_client.post(url("kpi_measure", pilot, kpi_id=kpi.pk), {"value": "1"})
    assert response.status_code == 404
