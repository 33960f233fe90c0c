"""Writing to the audit chain. Every service that changes something records it here.

The chain holds no personal data (ADR 0013): people are named by user id (``actor_id``, and ids
inside before/after), ``actor_label`` is only the actor's kind, objects that are people (a user,
a membership, an invitation, ...) keep their id but no label, and before/after data with an
e-mail key is refused. Pages resolve ids to today's names when they show an event.

Each event's hash covers a canonical JSON payload that includes the previous event's hash
(``AuditEvent.payload()``/``compute_hash()``). ``manage.py verify_audit`` recomputes it from what
the database gives back, so everything hashed here must read back identically on PostgreSQL
(``jsonb``, ``timestamptz``) and SQLite (text):

- ``occurred_at`` is set here from ``timezone.now()``: UTC with microseconds, which both
  databases store exactly and return as UTC.
- ``before``/``after`` pass through :func:`canonical_json` first, so the hash is taken over what
  the database will return, not over the Python objects the caller passed.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from marketplace.models import AuditEvent
from marketplace.models.audit import ACTOR_ANONYMOUS, ACTOR_SYSTEM, ACTOR_USER, GENESIS_HASH
from marketplace.request_context import current_request_id

# One lock key for the chain: events are appended one at a time so each links to the last.
CHAIN_LOCK_KEY = 7_345_001
# Floats this large print with an exponent in Python ("1e+16") but come back from PostgreSQL's
# jsonb (an exact numeric) as plain digits, which json.loads reads as an int.
_FLOAT_EXPONENT_FROM = 1e16
# Objects that are people, or whose label names one: the chain keeps their type and id only.
# (Migration 0011 holds a frozen copy of this set for the rewrite of older events.)
PERSONAL_OBJECT_TYPES = frozenset(
    {
        "marketplace.user",
        "marketplace.membership",
        "marketplace.invitation",
        "marketplace.accessrequest",
        "marketplace.contactperson",
        "marketplace.notification",
        "marketplace.notificationpreference",
        "account.emailaddress",
        "mfa.authenticator",
        "bids.evaluatorassignment",
        "tenders.needinvitation",
        "cms.eventregistration",
    }
)
# Keys of before/after data that would put a contact detail into the chain: refused.
_PERSONAL_KEY_SUFFIXES = ("email", "phone")


def lock_chain() -> None:
    """Serialise appenders until the surrounding transaction ends.

    On PostgreSQL a transaction-scoped advisory lock: a second writer waits here, then reads the
    last hash only after the first has committed. SQLite allows one writer at a time anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _canonical_value(value: Any) -> Any:
    if isinstance(value, float):
        if value == 0:
            return 0.0  # PostgreSQL's numeric has no negative zero
        if abs(value) >= _FLOAT_EXPONENT_FROM:
            return int(value)  # exact: floats this large are whole numbers
        return value
    if isinstance(value, dict):
        return {key: _canonical_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical_value(item) for item in value]
    return value


def canonical_json(value: Any) -> Any:
    """``value`` as the database will return it from a JSON column.

    Dates, decimals, UUIDs and lazy strings become strings (DjangoJSONEncoder), tuples become
    lists, dictionary keys become strings; floats are normalised where jsonb would change them.
    Refuses NaN and infinity, which neither JSON nor jsonb can hold.
    """
    if value is None:
        return None
    try:
        text = json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False)
    except ValueError as exc:
        raise ValueError(f"audit data cannot hold NaN or infinity (not JSON): {exc}") from exc
    return _canonical_value(json.loads(text))


def refuse_personal_keys(value: Any, *, where: str) -> None:
    """Raise ValueError when ``value`` has a key naming a contact detail (``email``, ``phone``).

    Store the person's user id (or the object's id) instead: the chain cannot be erased.
    """
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key).lower().endswith(_PERSONAL_KEY_SUFFIXES):
                raise ValueError(
                    f"audit {where} data may not hold contact details (key {key!r}): "
                    "store the user id instead"
                )
            refuse_personal_keys(item, where=where)
    elif isinstance(value, list):
        for item in value:
            refuse_personal_keys(item, where=where)


def _object_reference(obj: Any) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    meta = obj._meta
    object_type = f"{meta.app_label}.{meta.model_name}"
    object_id = "" if obj.pk is None else str(obj.pk)
    label = "" if object_type in PERSONAL_OBJECT_TYPES else str(obj)[:255]
    return object_type, object_id, label


def actor_kind(actor) -> str:
    """What ``actor_label`` holds: the kind of actor, never who (that is ``actor_id``)."""
    if actor is None:
        return ACTOR_SYSTEM
    if not getattr(actor, "is_authenticated", False):
        return ACTOR_ANONYMOUS
    return ACTOR_USER


def _organisation_id(organisation, obj) -> int | None:
    if organisation is None and hasattr(obj, "policy_scope"):
        organisation, _unit = obj.policy_scope()
    return getattr(organisation, "pk", organisation)


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

    ``actor`` may be None for the system (a periodic task, a migration). ``organisation`` (an
    instance or its id) is the organisation whose history this belongs to, so its admins can read
    it later; it defaults to the organisation of ``obj`` when the object has ``policy_scope()``.
    Call it inside the service's transaction: the event is written, and the chain stays locked,
    only if the change itself commits.
    """
    refuse_personal_keys(before, where="before")
    refuse_personal_keys(after, where="after")
    object_type, object_id, object_repr = _object_reference(obj)
    request_id = current_request_id()
    event = AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_kind(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        organisation_id=_organisation_id(organisation, obj),
        before=canonical_json(before),
        after=canonical_json(after),
        request_id="" if request_id == "-" else request_id,
    )
    lock_chain()
    # Stamped after taking the lock, so times never run backwards along the chain.
    event.occurred_at = timezone.now()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event.prev_hash = last or GENESIS_HASH
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    return event
