"""Pilot services: created from an award, planned, measured, decided; each change on the timeline,
audited, and told to the other side."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from marketplace.errors import DomainError, InvalidTransition, PermissionDenied
from marketplace.models import AuditEvent, Notification, Role
from pilots.models import Pilot, PilotEntry
from pilots.services import pilots as services
from tests.factories import MembershipFactory, TenderFactory, UserFactory
from tests.factories.pilots import make_award

pytestmark = pytest.mark.django_db


def test_create_copies_the_award(pilot, award, supplier, buyer, buyer_unit):
    assert (pilot.supplier, pilot.buyer, pilot.unit, pilot.lot) == (
        supplier,
        buyer,
        buyer_unit,
        award.lot,
    )
    assert pilot.award == award
    assert pilot.status == Pilot.Status.PLANNED
    assert list(pilot.entries.values_list("kind", flat=True)) == [PilotEntry.Kind.CREATED]
    assert AuditEvent.objects.filter(action="pilot.create", object_id=str(pilot.pk)).exists()


def test_create_refuses_a_tender_that_is_no_pilot(procurement_officer, buyer, buyer_unit, supplier):
    tender = TenderFactory(buyer=buyer, unit=buyer_unit, in_evaluation=True, is_pilot=False)
    award = make_award(tender=tender, supplier=supplier)
    with pytest.raises(DomainError) as error:
        services.pilot_create(award=award, by=procurement_officer, title="X", budget_owner="Y")
    assert error.value.code == "not_pilot_tender"


def test_create_refuses_a_withdrawn_award_and_a_second_pilot(
    procurement_officer, pilot, award, pilot_tender, supplier
):
    with pytest.raises(DomainError) as error:
        services.pilot_create(award=award, by=procurement_officer, title="X", budget_owner="Y")
    assert error.value.code == "pilot_exists"


def test_create_needs_pilot_manage(award, supplier_admin, outsider):
    for user in (supplier_admin, outsider):
        with pytest.raises(PermissionDenied):
            services.pilot_create(award=award, by=user, title="X", budget_owner="Y")
    assert not Pilot.objects.exists()


def test_each_change_tells_the_supplier(
    pilot, procurement_officer, supplier_admin, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.milestone_add(pilot=pilot, by=procurement_officer, title="Installasjon")
    # then
    notes = Notification.objects.filter(recipient=supplier_admin, kind="pilots")
    assert notes.count() == 1
    assert "Smarte veilys" in notes.get().subject
    assert not Notification.objects.filter(recipient=procurement_officer).exists()


def test_supplier_notes_and_measurements_tell_the_buyer(
    pilot, procurement_officer, supplier_admin, django_capture_on_commit_callbacks
):
    kpi = services.kpi_add(
        pilot=pilot, by=procurement_officer, name="Energisparing", unit="%", target=Decimal("20")
    )
    services.pilot_start(pilot=pilot, by=procurement_officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.note_add(pilot=pilot, by=supplier_admin, text="Første uke gikk fint.")
        services.kpi_measure(kpi=kpi, by=supplier_admin, value=Decimal("23.5"))
    kpi.refresh_from_db()
    assert kpi.measured == Decimal("23.5") and kpi.achieved is True
    entry = pilot.entries.filter(kind=PilotEntry.Kind.KPI, data__event="measured").get()
    assert entry.data["value"] == "23.5"
    assert entry.author_organisation == pilot.supplier
    assert Notification.objects.filter(recipient=procurement_officer, kind="pilots").count() == 2


def test_supplier_may_not_plan_or_decide(pilot, supplier_admin):
    with pytest.raises(PermissionDenied):
        services.milestone_add(pilot=pilot, by=supplier_admin, title="X")
    with pytest.raises(PermissionDenied):
        services.pilot_start(pilot=pilot, by=supplier_admin)
    with pytest.raises(PermissionDenied):
        services.pilot_update_plan(pilot=pilot, by=supplier_admin, fields={"title": "Ny"})


def test_outsider_may_not_report(pilot, outsider):
    with pytest.raises(PermissionDenied):
        services.note_add(pilot=pilot, by=outsider, text="Hei")


def test_officer_of_another_unit_may_not_manage(pilot, buyer):
    from tests.factories import OrganisationUnitFactory

    other = UserFactory()
    MembershipFactory(
        user=other,
        organisation=buyer,
        role=Role.PROCUREMENT_OFFICER,
        unit=OrganisationUnitFactory(organisation=buyer),
    )
    with pytest.raises(PermissionDenied):
        services.milestone_add(pilot=pilot, by=other, title="X")


def test_lifecycle_and_decision(pilot, procurement_officer, buyer, buyer_unit):
    services.pilot_start(pilot=pilot, by=procurement_officer, starts_on=datetime.date(2026, 1, 5))
    with pytest.raises(InvalidTransition):
        services.pilot_start(pilot=pilot, by=procurement_officer)
    with pytest.raises(InvalidTransition):
        services.pilot_decide(
            pilot=pilot, by=procurement_officer, outcome="stopped", reason="Too early"
        )
    services.pilot_end(pilot=pilot, by=procurement_officer, ends_on=datetime.date(2026, 6, 5))
    follow_on = TenderFactory(buyer=buyer, unit=buyer_unit)
    services.pilot_decide(
        pilot=pilot,
        by=procurement_officer,
        outcome=Pilot.Outcome.SCALED_UP,
        reason="Målene ble nådd.",
        follow_on_tender=follow_on,
        contract_value=Decimal("4500000"),
    )
    pilot.refresh_from_db()
    assert pilot.status == Pilot.Status.DECIDED
    assert pilot.outcome == Pilot.Outcome.SCALED_UP
    assert pilot.follow_on_tender == follow_on
    assert pilot.decided_by == procurement_officer
    assert pilot.duration_days == 151
    assert list(pilot.entries.values_list("kind", flat=True)) == [
        "created",
        "status",
        "status",
        "decision",
    ]
    with pytest.raises(InvalidTransition):
        services.pilot_update_plan(pilot=pilot, by=procurement_officer, fields={"title": "Ny"})


@pytest.mark.parametrize(
    ("outcome", "reason", "code"),
    [
        ("stopped", "  ", "reason_required"),
        ("sideways", "Fordi", "outcome_invalid"),
    ],
)
def test_decision_needs_outcome_and_reason(pilot, procurement_officer, outcome, reason, code):
    services.pilot_start(pilot=pilot, by=procurement_officer)
    services.pilot_end(pilot=pilot, by=procurement_officer)
    with pytest.raises(DomainError) as error:
        services.pilot_decide(pilot=pilot, by=procurement_officer, outcome=outcome, reason=reason)
    assert error.value.code == code
    pilot.refresh_from_db()
    assert pilot.status == Pilot.Status.ENDED


def test_only_a_scale_up_has_a_full_purchase(pilot, procurement_officer):
    services.pilot_start(pilot=pilot, by=procurement_officer)
    services.pilot_end(pilot=pilot, by=procurement_officer)
    with pytest.raises(DomainError) as error:
        services.pilot_decide(
            pilot=pilot,
            by=procurement_officer,
            outcome="stopped",
            reason="Dyrt",
            contract_value=Decimal("1"),
        )
    assert error.value.code == "follow_on_not_scaled_up"


def test_milestone_done_and_plan(pilot, procurement_officer):
    milestone = services.milestone_add(
        pilot=pilot, by=procurement_officer, title="Oppstart", due_on=datetime.date(2026, 2, 1)
    )
    services.milestone_complete(
        milestone=milestone, by=procurement_officer, completed_on=datetime.date(2026, 2, 3)
    )
    with pytest.raises(DomainError):
        services.milestone_complete(milestone=milestone, by=procurement_officer)
    services.pilot_update_plan(
        pilot=pilot,
        by=procurement_officer,
        fields={"budget": Decimal("900000"), "starts_on": datetime.date(2026, 3, 1)},
    )
    pilot.refresh_from_db()
    assert pilot.budget == Decimal("900000")
    with pytest.raises(DomainError):
        services.pilot_update_plan(
            pilot=pilot, by=procurement_officer, fields={"ends_on": datetime.date(2026, 1, 1)}
        )


def test_measurement_only_while_running(pilot, procurement_officer):
    kpi = services.kpi_add(
        pilot=pilot, by=procurement_officer, name="Ventetid", target=5, direction="lower"
    )
    with pytest.raises(InvalidTransition):
        services.kpi_measure(kpi=kpi, by=procurement_officer, value=Decimal("4"))
    services.pilot_start(pilot=pilot, by=procurement_officer)
    kpi = services.kpi_measure(kpi=kpi, by=procurement_officer, value=Decimal("6"))
    assert kpi.achieved is False
