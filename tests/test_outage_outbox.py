"""The outbox (marketplace.outbox): written with the change, delivered after the commit, each
delivery isolated, at most once per delivery key, retried with backoff, then dead-lettered and
listed in the admin, where the site administrator sends it again."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from marketplace.domain_events import supplier_profile_changed
from marketplace.models import OutboxMessage, SupplierProfile
from marketplace.outbox import outbox_deliver, outbox_enqueue, outbox_handler, outbox_sweep
from tests.conftest import with_totp
from tests.factories import UserFactory

# What the handlers below did, in order (reset by the ``calls`` fixture).
CALLS: list[tuple[str, int]] = []
FAILING = {"on": True}


@outbox_handler
def record(*, n: int) -> None:
    CALLS.append(("record", n))
    UserFactory(email=f"outbox-{n}@example.test")  # a write that must commit with the delivery


@outbox_handler
def explode(*, n: int) -> None:
    CALLS.append(("explode", n))
    UserFactory(email=f"half-done-{n}@example.test")  # must be rolled back with the failure
    if FAILING["on"]:
        raise RuntimeError("mail server said no")


def not_a_handler(*, n: int) -> None:
    CALLS.append(("not_a_handler", n))


@pytest.fixture(autouse=True)
def calls():
    CALLS.clear()
    FAILING["on"] = True
    yield CALLS
    CALLS.clear()


def _later(**delta) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**delta)


@pytest.mark.django_db(transaction=True)
def test_one_failing_hook_does_not_stop_the_others_nor_the_commit(calls):
    # when a transaction writes three messages, the middle one failing, and commits
    with transaction.atomic():
        outbox_enqueue(handler=record, payload={"n": 1})
        outbox_enqueue(handler=explode, payload={"n": 2})
        outbox_enqueue(handler=record, payload={"n": 3})
    # then every hook ran after the commit, the failure stopped none of them
    assert calls == [("record", 1), ("explode", 2), ("record", 3)]
    states = {m.payload["n"]: m for m in OutboxMessage.objects.all()}
    assert states[1].delivered_at and states[3].delivered_at
    failed = states[2]
    assert failed.delivered_at is None and failed.attempts == 1
    assert "mail server said no" in failed.last_error
    assert failed.next_attempt_at > timezone.now()
    # and the failed handler's own writes were rolled back, the others' kept
    emails = set(
        UserFactory._meta.model.objects.filter(email__contains="@example.test").values_list(
            "email", flat=True
        )
    )
    assert emails == {"outbox-1@example.test", "outbox-3@example.test"}


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_message(calls):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(handler=record, payload={"n": 1})
        raise RuntimeError("the request failed later")
    assert calls == []
    assert not OutboxMessage.objects.exists()


def test_the_same_key_is_one_message_and_is_delivered_once(
    db, calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox_enqueue(handler=record, payload={"n": 1}, key="once")
        again = outbox_enqueue(handler=record, payload={"n": 1}, key="once")
    assert first.pk == again.pk
    # a redelivery (the broker handing the task out again, or the sweeper) does nothing
    assert outbox_deliver(message_id=first.pk) is False
    assert outbox_sweep(now=_later(days=1)) == {"due": 0, "delivered": 0}
    assert calls == [("record", 1)]


def test_only_marked_functions_are_handlers(db):
    with pytest.raises(ValueError, match="not marked"):
        outbox_enqueue(handler=not_a_handler, payload={"n": 1})
    forged = OutboxMessage.objects.create(
        topic="tests.test_outage_outbox.not_a_handler", payload={"n": 1}, delivery_key="forged"
    )
    assert outbox_deliver(message_id=forged.pk) is False
    forged.refresh_from_db()
    assert "not an outbox handler" in forged.last_error
    assert CALLS == []


def test_a_row_written_before_its_module_was_renamed_is_still_delivered(db):
    # given a domain event written while it lived in ``marketplace.events`` (renamed in issue 19)
    heard = []

    def listener(sender, *, profile_id, event, **kwargs):
        heard.append((sender, profile_id, event))

    supplier_profile_changed.connect(listener, dispatch_uid="test.renamed_module")
    old = OutboxMessage.objects.create(
        topic="marketplace.events.event_deliver",
        payload={
            "signal": "marketplace.events.supplier_profile_changed",
            "sender": "marketplace.SupplierProfile",
            "profile_id": 0,
            "event": "updated",
        },
        delivery_key="before-the-rename",
    )
    try:
        # when it is delivered
        delivered = outbox_deliver(message_id=old.pk)
    finally:
        supplier_profile_changed.disconnect(dispatch_uid="test.renamed_module")
    # then the renamed module's handler sent the renamed module's signal
    old.refresh_from_db()
    assert delivered, old.last_error
    assert heard == [(SupplierProfile, 0, "updated")]


def test_failures_back_off_then_land_in_the_dead_letter_list(db, settings, calls):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = outbox_enqueue(handler=explode, payload={"n": 7})  # in the test's transaction
    gaps = []
    for _ in range(3):
        message.refresh_from_db()
        now = max(message.next_attempt_at, timezone.now())
        outbox_sweep(now=now)
        message.refresh_from_db()
        gaps.append(message.next_attempt_at - now)
    assert message.attempts == 3 and message.dead_at is not None
    assert gaps[1] > gaps[0]  # the second wait is longer than the first
    # a dead message is not swept again
    assert outbox_sweep(now=_later(days=30))["due"] == 0
    with pytest.raises(CommandError, match="1 outbox message"):
        call_command("outbox_sweep")


def test_the_site_administrator_sees_dead_letters_and_sends_them_again(
    client, db, settings, calls, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    message = outbox_enqueue(handler=explode, payload={"n": 9}, key="dead-one")
    outbox_sweep(now=_later(hours=1))
    message.refresh_from_db()
    assert message.dead_at is not None
    admin = with_totp(UserFactory(is_staff=True, is_superuser=True))
    client.force_login(admin)
    changelist = reverse("admin:marketplace_outboxmessage_changelist")
    # the dead-letter list shows it with its error
    page = client.get(changelist, {"state": "dead"})
    assert page.status_code == 200 and "dead-one" in page.content.decode()
    # when the cause is fixed and the administrator sends it again
    FAILING["on"] = False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "retry", "_selected_action": [message.pk]}, follow=True
        )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.delivered_at is not None and message.dead_at is None
    assert calls[-1] == ("explode", 9)


def test_staff_who_are_not_superusers_do_not_see_the_outbox(client, db):
    client.force_login(with_totp(UserFactory(is_staff=True)))
    changelist = reverse("admin:marketplace_outboxmessage_changelist")
    assert client.get(changelist).status_code == 403
