"""Writing to the audit chain. Every service that changes something records it here."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from marketplace.middleware import current_request_id
from marketplace.models import AuditEvent
from marketplace.models.audit import GENESIS_HASH

# One lock key for the chain: events are appended one at a time so each links to the last.
_CHAIN_LOCK_KEY = 7_345_001


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite serialises writers itself.


def _object_reference(obj: Any) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}", str(obj.pk), str(obj)[:255]


@transaction.atomic
def audit_record(
    *,
    actor,
    action: str,
    obj: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    organisation=None,
) -> AuditEvent:
    """Append one event to the chain: who did what to which object, with before/after data.

    ``actor`` may be None for the system (a periodic task, a migration). ``organisation`` is the
    organisation whose history this belongs to, so its admins can read it later.
    """
    _lock_chain()
    last = AuditEvent.objects.order_by("-id").only("hash").first()
    object_type, object_id, object_repr = _object_reference(obj)
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        actor=actor if is_person else None,
        actor_label=(actor.email if is_person else "system"),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        organisation_id=getattr(organisation, "pk", organisation),
        before=before,
        after=after,
        request_id=current_request_id(),
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    # Store the JSON exactly as it will be read back, so the hash can be recomputed.
    event.before, event.after = _roundtrip(event.before), _roundtrip(event.after)
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    return event


def _roundtrip(value):
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))
