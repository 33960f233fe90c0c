"""Refused access is tallied: probing cannot grow the audit chain without bound (ADR 0013).

Windows are closed by moving a tally's first-seen time back (the tally is not chained, so that is
ordinary data); nothing here waits for the clock.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from marketplace.middleware import RequestIdMiddleware
from marketplace.models import AuditEvent
from marketplace.models.audit import RefusalTally
from marketplace.services.refusals import SUMMARY_ACTION, audit_refusal, refusals_summarise
from tests.conftest import with_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACTION = "bid.sealed_access_refused"


def probe(user=None, *, address: str = "203.0.113.7", action: str = ACTION) -> RefusalTally:
    """One refusal, recorded inside a request from ``address`` as the views do."""
    recorded = []

    def view(request):
        recorded.append(audit_refusal(actor=user, action=action, after={"what": "probe"}))
        return HttpResponse()

    RequestIdMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR=address))
    return recorded[0]


def close_windows() -> None:
    earlier = timezone.now() - dt.timedelta(hours=1)
    RefusalTally.objects.update(first_seen_at=earlier, last_seen_at=earlier)


def chain_rows() -> int:
    return AuditEvent.objects.count()


def test_500_probes_cost_at_most_two_chain_rows_and_the_count_is_kept():
    person = UserFactory()

    for _ in range(500):
        probe(person)
    close_windows()
    refusals_summarise()
    refusals_summarise()  # idempotent: a window is summarised once

    assert chain_rows() == 2
    first, summary = AuditEvent.objects.order_by("id")
    assert (first.action, first.actor_id, first.after) == (ACTION, person.pk, {"what": "probe"})
    assert summary.action == SUMMARY_ACTION
    assert summary.after["count"] == 500 and summary.after["refused_action"] == ACTION
    assert summary.after["first_event_id"] == first.pk
    tally = RefusalTally.objects.get()
    assert (tally.count, tally.address, tally.actor_id) == (500, "203.0.113.7", person.pk)
    # the address is in the tally only, never in the chain
    assert "203.0.113.7" not in str([event.payload() for event in AuditEvent.objects.all()])


def test_the_site_administrator_sees_the_count(client):
    staff = with_totp(UserFactory(email="drift@pilotmarked.test"))
    staff.is_staff = staff.is_superuser = True
    staff.save()
    for _ in range(500):
        probe()
    client.force_login(staff)

    response = client.get(reverse("admin:marketplace_refusaltally_changelist"))

    assert response.status_code == 200
    [tally] = [t for t in response.context["cl"].result_list if t.action == ACTION]
    assert tally.count == 500
    assert '<td class="field-count">500</td>' in response.content.decode()


def test_another_address_another_person_or_another_kind_opens_its_own_window():
    person, other = UserFactory(), UserFactory()

    probe(person)
    probe(person)
    probe(person, address="198.51.100.1")
    probe(other)
    probe(person, action="account.login_failed")

    assert chain_rows() == 4
    assert sorted(RefusalTally.objects.values_list("count", flat=True)) == [1, 1, 1, 2]


def test_a_probe_after_the_window_summarises_the_last_one_and_opens_a_new_one():
    for _ in range(3):
        probe()
    close_windows()

    probe()

    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == [ACTION, SUMMARY_ACTION, ACTION]
    assert AuditEvent.objects.get(action=SUMMARY_ACTION).after["count"] == 3
    assert list(RefusalTally.objects.order_by("id").values_list("count", flat=True)) == [3, 1]


def test_a_single_refusal_needs_no_summary():
    probe()
    close_windows()

    assert refusals_summarise() == 0
    assert chain_rows() == 1
    assert RefusalTally.objects.get().summarised_at is not None


def test_the_command_summarises_and_prunes_old_tallies(settings):
    settings.AUDIT_REFUSAL_RETENTION_DAYS = 30
    probe()
    probe()
    long_ago = timezone.now() - dt.timedelta(days=31)
    RefusalTally.objects.update(first_seen_at=long_ago, last_seen_at=long_ago)
    out = io.StringIO()

    call_command("summarise_refusals", stdout=out)

    assert out.getvalue().strip() == "Refusal summaries written: 1; tallies pruned: 1"
    assert not RefusalTally.objects.exists()
    assert AuditEvent.objects.filter(action=SUMMARY_ACTION).count() == 1
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("Audit chain intact: 2 events")


def test_failed_logins_from_one_address_are_tallied(client):
    UserFactory(email="kari@example.test")

    for _ in range(3):  # below the login throttle
        client.post("/accounts/login/", {"login": "kari@example.test", "password": "wrong"})

    assert AuditEvent.objects.filter(action="account.login_failed").count() == 1
    assert RefusalTally.objects.get(action="account.login_failed").count == 3


def test_celery_beat_writes_the_summaries(settings):
    from marketplace.tasks import summarise_refusals

    assert settings.CELERY_BEAT_SCHEDULE["audit-summarise-refusals"]["task"] == (
        summarise_refusals.name
    )
    probe()
    probe()
    close_windows()

    assert summarise_refusals.delay().get() == 1
    assert AuditEvent.objects.filter(action=SUMMARY_ACTION).count() == 1
