"""The audit chain: what audit_record stores, and that verify_audit finds changed or removed rows.

Runs on SQLite and PostgreSQL. Tampering goes around the append-only triggers the way an operator
with the database owner's rights would: disable (PostgreSQL) or drop (SQLite) them, write, and put
them back.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import uuid
from contextlib import contextmanager
from decimal import Decimal
from importlib import import_module

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from marketplace.models import AuditEvent
from marketplace.models.audit import GENESIS_HASH
from marketplace.services.audit import audit_record
from tests.factories import SupplierFactory, UserFactory

append_only = import_module("marketplace.migrations.0002_audit_append_only")


@contextmanager
def triggers_bypassed():
    """Let the test write to the audit table as a database owner could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE marketplace_auditevent DISABLE TRIGGER USER")
        else:
            for statement in append_only.SQLITE_DROP:
                cursor.execute(statement)
        try:
            yield
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE marketplace_auditevent ENABLE TRIGGER USER")
            else:
                for statement in append_only.SQLITE_CREATE:
                    cursor.execute(statement)


def verify(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def chain(n: int) -> list[AuditEvent]:
    return [audit_record(actor=None, action=f"test.step{i}", after={"i": i}) for i in range(n)]


# --- What audit_record stores ---------------------------------------------------------------


@pytest.mark.django_db
def test_events_link_to_the_previous_hash():
    first, second = chain(2)

    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert first.hash != second.hash


@pytest.mark.django_db
def test_stored_data_reads_back_to_the_same_hash():
    # given values that JSON, jsonb or the datetime column could change on the way through
    oslo = dt.timezone(dt.timedelta(hours=2))
    tricky = {
        "when": dt.datetime(2024, 5, 17, 12, 30, 15, 123456, tzinfo=oslo),
        "day": dt.date(2024, 5, 17),
        "price": Decimal("12.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "big_float": 1e20,
        "negative_zero": -0.0,
        "tiny": 1e-7,
        "inexact": 0.1 + 0.2,
        "whole_float": 3.0,
        "huge_int": 2**70,
        "text": 'Blåbærsyltetøy "sitat" \\ ✓ \t',
        "nested": {"b": [1, (2, 3)], "a": None, "c": True},
        7: "integer key",
    }
    event = audit_record(actor=None, action="test.tricky", before={"z": 1, "a": 2}, after=tricky)

    # when
    stored = AuditEvent.objects.get(pk=event.pk)

    # then
    assert stored.after == event.after
    assert stored.occurred_at == event.occurred_at
    assert stored.occurred_at.isoformat() == event.occurred_at.isoformat()
    assert stored.compute_hash() == stored.hash == event.hash
    assert stored.after["price"] == "12.50"
    assert stored.after["7"] == "integer key"


@pytest.mark.django_db
def test_refuses_values_json_cannot_hold():
    with pytest.raises(ValueError, match="NaN"):
        audit_record(actor=None, action="test.nan", after={"score": float("nan")})

    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_names_the_actor_and_the_object_and_its_organisation():
    supplier = SupplierFactory(name="Fjordlys Teknologi AS")
    person = UserFactory(email="kari@fjordlys.test", full_name="Kari Nordmann")

    by_person = audit_record(actor=person, action="organisation.edit", obj=supplier)
    by_system = audit_record(actor=None, action="demo.seeded")
    by_anonymous = audit_record(actor=AnonymousUser(), action="account.signup")

    # the person by id only: nothing personal goes into the chain (ADR 0013)
    assert (by_person.actor, by_person.actor_label) == (person, "user")
    assert by_person.actor_display() == f"Kari Nordmann (#{person.pk})"
    assert (by_person.object_type, by_person.object_id) == (
        "marketplace.organisation",
        str(supplier.pk),
    )
    assert by_person.object_repr == "Fjordlys Teknologi AS"
    assert by_person.organisation_id == supplier.pk  # from the object's policy_scope()
    assert (by_system.actor, by_system.actor_label) == (None, "system")
    assert (by_anonymous.actor, by_anonymous.actor_label) == (None, "anonymous")
    assert by_system.request_id == ""  # not inside a request


@pytest.mark.django_db
def test_event_is_gone_when_the_change_it_records_rolls_back():
    kept = audit_record(actor=None, action="test.kept")

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back")
        raise RuntimeError("the service failed after recording")
    after = audit_record(actor=None, action="test.after")

    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.kept", "test.after"]
    assert after.prev_hash == kept.hash


# --- The database refuses changes -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        lambda events: events.update(action="test.rewritten"),
        lambda events: events.delete(),
    ],
    ids=["update", "delete"],
)
def test_triggers_refuse_update_and_delete(change):
    event = audit_record(actor=None, action="test.original")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change(AuditEvent.objects.filter(pk=event.pk))

    assert AuditEvent.objects.get(pk=event.pk).action == "test.original"


# --- verify_audit ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_passes_an_intact_chain():
    events = chain(3)

    out, _err = verify()

    assert out.startswith("Audit chain intact: 3 events")
    assert events[-1].hash in out


@pytest.mark.django_db
def test_verify_passes_an_empty_chain():
    out, _err = verify()

    assert out.startswith("Audit chain intact: 0 events")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [{"after": {"i": 999}}, {"action": "test.innocent"}, {"request_id": "forged"}],
    ids=["after", "action", "request_id"],
)
def test_verify_names_a_changed_row(tamper):
    # given
    first, middle, _last = chain(3)
    with triggers_bypassed():
        AuditEvent.objects.filter(pk=middle.pk).update(**tamper)

    # when
    with pytest.raises(CommandError) as failure:
        verify()

    # then
    message = str(failure.value)
    assert f"row {middle.pk} was changed" in message
    assert repr(tamper.get("action", "test.step1")) in message
    assert middle.occurred_at.isoformat() in message
    assert failure.value.returncode == 1
    # and the triggers are back
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=first.pk).update(action="again")


@pytest.mark.django_db
def test_verify_names_a_row_rewritten_with_a_fresh_hash_by_its_successor():
    # given someone changed a row and recomputed its hash, so the row is consistent with itself
    _first, middle, last = chain(3)
    forged = AuditEvent.objects.get(pk=middle.pk)
    forged.after = {"i": 999}
    with triggers_bypassed():
        AuditEvent.objects.filter(pk=middle.pk).update(
            after=forged.after, hash=forged.compute_hash()
        )

    with pytest.raises(CommandError) as failure:
        verify()

    assert f"the row before {last.pk} was removed or reordered" in str(failure.value)


@pytest.mark.django_db
def test_verify_names_the_row_after_a_removed_one():
    first, middle, last = chain(3)
    with triggers_bypassed():
        AuditEvent.objects.filter(pk=middle.pk).delete()

    with pytest.raises(CommandError) as failure:
        verify()

    message = str(failure.value)
    assert f"Audit chain broken at row {last.pk}" in message
    assert f"the row before {last.pk} was removed or reordered" in message
    assert f"does not link to row {first.pk}" in message


@pytest.mark.django_db
def test_verify_notices_that_the_first_row_was_removed():
    first, second = chain(2)
    with triggers_bypassed():
        AuditEvent.objects.filter(pk=first.pk).delete()

    with pytest.raises(CommandError, match=f"the row before {second.pk} was removed"):
        verify()


@pytest.mark.django_db
def test_verify_from_an_id_trusts_that_rows_link_and_checks_the_rest():
    first, second, third = chain(3)
    with triggers_bypassed():
        AuditEvent.objects.filter(pk=first.pk).delete()

    out, _err = verify("--from-id", str(second.pk))
    assert out.startswith("Audit chain intact: 2 events")

    with triggers_bypassed():
        AuditEvent.objects.filter(pk=third.pk).update(action="test.innocent")
    with pytest.raises(CommandError, match=f"row {third.pk} was changed"):
        verify("--from-id", str(second.pk))


@pytest.mark.django_db
def test_verify_reports_progress_on_stderr():
    chain(5)

    out, err = verify("--progress-every", "2")

    assert [line.split(" [")[0] for line in err.splitlines()] == [
        "  events checked: 2/5 (40%)",
        "  events checked: 4/5 (80%)",
        "  events checked: 5/5 (100%)",
    ]
    assert out.startswith("Audit chain intact: 5 events")


# --- Concurrent writers (PostgreSQL) --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("the chain lock is PostgreSQL's advisory lock; SQLite has one writer")
    per_thread, threads = 15, 4
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        from django.db import connection as thread_connection

        try:
            start.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_record(actor=None, action=f"test.worker{worker}", after={"i": i})
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            thread_connection.close()

    workers = [threading.Thread(target=append, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert errors == []
    out, _err = verify()
    assert out.startswith(f"Audit chain intact: {per_thread * threads} events")
    prev_hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == len(prev_hashes)  # no fork: every hash has one successor
