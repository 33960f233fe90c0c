"""Saved searches and alerts: publishing a tender alerts each matching search exactly once."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.errors import DomainError
from marketplace.models import Notification
from matching.models import Alert, AlertFanout, SavedSearch
from matching.services.alerts import (
    alert_fanout_enqueue,
    alert_fanout_run,
    alerts_sweep,
    words_match,
)
from matching.services.searches import saved_search_create
from matching.tasks import fan_out_alerts
from tenders.services import tenders as tender_services
from tests.factories import LotFactory, TenderFactory


@pytest.fixture
def draft(buyer, buyer_unit, cpv, places):
    tender = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        main_cpv=cpv["72212000"],
        title="Ny app for skoleskyss",
        estimated_value=Decimal("1500000"),
    )
    tender.municipalities.set([places["baerum"]])
    return tender


def search(supplier, user, **kwargs):
    return saved_search_create(
        organisation=supplier, by=user, name=kwargs.pop("name", "S"), **kwargs
    )


def publish(tender, by, capture):
    with capture(execute=True):
        tender_services.tender_publish(tender=tender, by=by)


def test_publishing_alerts_each_matching_search_exactly_once(
    supplier,
    supplier_admin,
    cpv,
    places,
    draft,
    procurement_officer,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    # given searches that match in different ways, and some that do not
    by_code = search(supplier, supplier_admin, name="IT", cpv_codes=[cpv["72000000"]])
    by_place = search(supplier, supplier_admin, name="Bærum", municipalities=[places["baerum"]])
    by_words = search(supplier, supplier_admin, name="Skoleskyss", text="skoleskyss app")
    search(supplier, supplier_admin, name="Roads", cpv_codes=[cpv["45000000"]])
    search(supplier, supplier_admin, name="Oslo", municipalities=[places["oslo"]])
    search(supplier, supplier_admin, name="Big", text="app", value_min=Decimal("5000000"))
    search(supplier, supplier_admin, name="Pilots", text="app", pilots_only=True)
    # when the officer publishes the tender
    publish(draft, procurement_officer, django_capture_on_commit_callbacks)
    # then one alert per matching search, and one notification for their owner
    alerts = Alert.objects.filter(kind="tender", object_id=draft.pk)
    assert sorted(alerts.values_list("saved_search_id", flat=True)) == sorted(
        [by_code.pk, by_place.pk, by_words.pk]
    )
    assert alerts.filter(notified_at=None).count() == 0
    notes = Notification.objects.filter(recipient=supplier_admin, kind="search_alerts")
    assert notes.count() == 1
    assert len([m for m in mailoutbox if "Ny app for skoleskyss" in m.subject]) == 1
    # when the fan-out task runs twice more (a redelivery, the sweeper)
    fanout = AlertFanout.objects.get(kind="tender", object_id=draft.pk)
    fan_out_alerts.delay(fanout.pk)
    fan_out_alerts.delay(fanout.pk)
    # then nothing new is written or sent
    assert alerts.count() == 3
    assert notes.count() == 1
    assert fanout.version == "1"
    assert AlertFanout.objects.get(pk=fanout.pk).done_at is not None


def test_an_amendment_is_a_new_version_and_alerts_again(
    supplier, supplier_admin, cpv, draft, procurement_officer, django_capture_on_commit_callbacks
):
    search(supplier, supplier_admin, cpv_codes=[cpv["72200000"]])
    publish(draft, procurement_officer, django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    # the next version, as an amendment writes it (the outbox path is the same)
    type(draft).objects.filter(pk=draft.pk).update(version=2)

    with django_capture_on_commit_callbacks(execute=True):
        alert_fanout_enqueue(kind="tender", object_id=draft.pk, event="amended")
        alert_fanout_enqueue(kind="tender", object_id=draft.pk, event="amended")
    assert sorted(Alert.objects.values_list("version", flat=True)) == ["1", "2"]


def test_profile_based_search_and_smb_lots(
    supplier,
    supplier_admin,
    startup_profile,
    cpv,
    draft,
    procurement_officer,
    django_capture_on_commit_callbacks,
):
    profile_search = search(supplier, supplier_admin, use_profile=True)
    smb = search(supplier, supplier_admin, text="app", smb_lots_only=True)
    LotFactory(tender=draft, number=1, cpv_codes=[cpv["72212000"]], suitable_for_smb=True)
    publish(draft, procurement_officer, django_capture_on_commit_callbacks)
    assert sorted(Alert.objects.values_list("saved_search_id", flat=True)) == sorted(
        [profile_search.pk, smb.pk]
    )


def test_alert_email_has_one_click_unsubscribe(
    supplier,
    supplier_admin,
    cpv,
    draft,
    procurement_officer,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    search(supplier, supplier_admin, cpv_codes=[cpv["72000000"]])
    publish(draft, procurement_officer, django_capture_on_commit_callbacks)
    alert_mails = [m for m in mailoutbox if "Ny app for skoleskyss" in m.subject]
    assert len(alert_mails) == 1
    assert "List-Unsubscribe" in alert_mails[0].extra_headers
    assert alert_mails[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_sweeper_resends_a_fanout_the_broker_lost(
    supplier, supplier_admin, cpv, draft, procurement_officer
):
    search(supplier, supplier_admin, cpv_codes=[cpv["72000000"]])
    # given the tender is published but the fan-out task never ran (no on-commit execution)
    tender_services.tender_publish(tender=draft, by=procurement_officer)

    fanout = alert_fanout_enqueue(kind="tender", object_id=draft.pk, event="published")
    assert fanout.done_at is None and Alert.objects.count() == 0
    # when the sweeper runs later

    result = alerts_sweep(now=timezone.now() + datetime.timedelta(hours=1))
    # then the alert is written and delivered
    assert result["fanouts"] == 1
    assert Alert.objects.filter(notified_at__isnull=False).count() == 1
    assert alert_fanout_run(fanout_id=fanout.pk) == 1


def test_words_match_allows_norwegian_endings():
    assert words_match("fylkesveier", "Brøyting av fylkesvei")
    assert not words_match("ladestasjon", "Brøyting av fylkesvei")
    assert words_match("", "anything")
    # the same stems as site search: inflected forms on both sides, every word needed
    assert words_match("brøyting fylkesveiene", "Brøyting av fylkesvei")
    assert not words_match("brøyting skoleskyss", "Brøyting av fylkesvei")


def test_an_empty_search_is_refused(supplier, supplier_admin):
    with pytest.raises(DomainError) as error:
        search(supplier, supplier_admin)
    assert error.value.code == "saved_search_empty"


def test_another_organisation_cannot_save_for_a_supplier(supplier, procurement_officer):
    with pytest.raises(DomainError):
        search(supplier, procurement_officer, text="app")


def test_seed_demo_matching_is_idempotent(supplier, supplier_admin, startup_profile):
    call_command("seed_demo_matching", stdout=StringIO())
    call_command("seed_demo_matching", stdout=StringIO())
    assert SavedSearch.objects.filter(organisation=supplier).count() == 2
    assert SavedSearch.objects.filter(use_profile=True, pilots_only=True).count() == 1
