"""Audit by user id, the refused-access tally, and verification of organisations.

The data step rewrites the audit chain once (ADR 0013; there are no deployments yet, so the chain
is rewritten rather than versioned): actor labels become the actor's kind ("user", "system",
"anonymous"), the labels of personal objects (users, memberships, invitations, ...) are blanked,
and e-mail addresses and hashed login names leave the before/after data. Every row is then hashed
again in order, and one system event records the rewrite, so ``verify_audit`` passes on the
rewritten chain and still finds any later change. The hash below is a frozen copy of
``AuditEvent.payload()``/``compute_hash()`` as of this migration.

Buyers (which only site staff create) start verified; suppliers registered before stay
unverified until staff or the register confirm them.
"""

import hashlib
import json
from importlib import import_module

import django.db.models.deletion
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models
from django.utils import timezone

append_only = import_module("marketplace.migrations.0002_audit_append_only")

GENESIS_HASH = "0" * 64
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
DROPPED_KEYS = frozenset({"email", "login_sha256", "requester_email", "member_email"})


def _scrub(value):
    if isinstance(value, dict):
        return {
            key: _scrub(item)
            for key, item in value.items()
            if key not in DROPPED_KEYS
            and not (key == "user" and isinstance(item, str) and "@" in item)
            and not (key == "name" and isinstance(item, str) and "@" in item)
        }
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


def _kind(row) -> str:
    if row.actor_id is not None:
        return "user"
    return row.actor_label if row.actor_label in ("system", "anonymous") else "system"


def _hash(row) -> str:
    payload = {
        "occurred_at": row.occurred_at.isoformat(),
        "actor_id": row.actor_id,
        "actor_label": row.actor_label,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "object_repr": row.object_repr,
        "organisation_id": row.organisation_id,
        "before": row.before,
        "after": row.after,
        "request_id": row.request_id,
        "prev_hash": row.prev_hash,
    }
    canonical = json.dumps(payload, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _set_triggers(schema_editor, *, enabled: bool) -> None:
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        state = "ENABLE" if enabled else "DISABLE"
        schema_editor.execute(f"ALTER TABLE marketplace_auditevent {state} TRIGGER USER")
    elif connection.vendor == "sqlite":
        statements = append_only.SQLITE_CREATE if enabled else append_only.SQLITE_DROP
        for statement in statements:
            schema_editor.execute(statement)


def rewrite_chain(apps, schema_editor):
    """Take personal data out of every event and hash the chain again, in id order."""
    AuditEvent = apps.get_model("marketplace", "AuditEvent")
    rows = list(AuditEvent.objects.order_by("id"))
    if not rows:
        return
    _set_triggers(schema_editor, enabled=False)
    try:
        previous = GENESIS_HASH
        for row in rows:
            row.actor_label = _kind(row)
            if row.object_type in PERSONAL_OBJECT_TYPES:
                row.object_repr = ""
            row.before, row.after = _scrub(row.before), _scrub(row.after)
            row.prev_hash = previous
            row.hash = _hash(row)
            AuditEvent.objects.filter(pk=row.pk).update(
                actor_label=row.actor_label,
                object_repr=row.object_repr,
                before=row.before,
                after=row.after,
                prev_hash=row.prev_hash,
                hash=row.hash,
            )
            previous = row.hash
    finally:
        _set_triggers(schema_editor, enabled=True)
    note = AuditEvent(
        occurred_at=timezone.now(),
        actor_label="system",
        action="audit.chain_rewritten",
        after={"rows": len(rows), "reason": "docs/adr/0013-audit-chain-holds-no-personal-data.md"},
        prev_hash=previous,
    )
    note.hash = _hash(note)
    note.save(force_insert=True)


def verify_buyers(apps, schema_editor):
    Organisation = apps.get_model("marketplace", "Organisation")
    Organisation.objects.filter(kind="buyer", verified_at__isnull=True).update(
        verified_at=timezone.now(), verification_source="admin"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0010_notification_kinds_bids_pilots_alerts"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="verification_source",
            field=models.CharField(
                blank=True,
                choices=[
                    ("admin", "Site administrator"),
                    ("registry", "Brønnøysund Register Centre"),
                    ("seed", "Demo data"),
                ],
                editable=False,
                max_length=10,
                verbose_name="verified through",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="verified_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="verified at"
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="verified_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="verified by",
            ),
        ),
        migrations.CreateModel(
            name="RefusalTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("action", models.CharField(max_length=100, verbose_name="action")),
                (
                    "address",
                    models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address"),
                ),
                (
                    "actor_label",
                    models.CharField(blank=True, max_length=20, verbose_name="actor label"),
                ),
                (
                    "organisation_id",
                    models.BigIntegerField(blank=True, null=True, verbose_name="organisation"),
                ),
                ("first_seen_at", models.DateTimeField(verbose_name="first seen")),
                ("last_seen_at", models.DateTimeField(verbose_name="last seen")),
                ("count", models.PositiveIntegerField(default=1, verbose_name="count")),
                (
                    "opened_event_id",
                    models.BigIntegerField(blank=True, null=True, verbose_name="first audit event"),
                ),
                (
                    "summarised_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="summarised at"),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="actor",
                    ),
                ),
            ],
            options={
                "verbose_name": "refused-access tally",
                "verbose_name_plural": "refused-access tallies",
                "ordering": ["-last_seen_at"],
                "indexes": [
                    models.Index(
                        fields=["action", "address", "actor", "first_seen_at"],
                        name="marketplace_action_01fc12_idx",
                    )
                ],
            },
        ),
        migrations.RunPython(rewrite_chain, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(verify_buyers, migrations.RunPython.noop, elidable=True),
    ]
