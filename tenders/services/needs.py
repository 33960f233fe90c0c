"""Needs ("behov"): create, edit, publish for dialogue, close, mark as turned into a tender.

Lifecycle: draft → open → closed → tendered (open → tendered is allowed too). One table of
allowed transitions, one service per transition; each checks the policy, writes in one
transaction, records an audit event and tells followers on commit.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.errors import DomainError, InvalidTransition, PermissionDenied
from marketplace.models import OrganisationUnit
from marketplace.policy import Action, user_can
from marketplace.services.audit import audit_record
from tenders.domain_events import need_event_on_commit
from tenders.lifecycle import deadline_passed, need_due_to_close_q, need_is_due_to_close
from tenders.models import Need, Tender
from tenders.services.follows import followers_notify

Status = Need.Status

NEED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.OPEN}),
    Status.OPEN: frozenset({Status.CLOSED, Status.TENDERED}),
    Status.CLOSED: frozenset({Status.TENDERED}),
    Status.TENDERED: frozenset(),
}
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.OPEN})

NEED_FIELDS = (
    "title",
    "problem",
    "desired_outcomes",
    "budget_min",
    "budget_max",
    "timeline",
    "is_pilot_opportunity",
    "test_arena",
    "test_arena_offer",
    "dialogue_deadline",
)
NEED_M2M_FIELDS = ("municipalities", "cpv_codes", "themes")
# Changes to these while the dialogue is open are announced to followers.
ANNOUNCED_FIELDS = frozenset(NEED_FIELDS) - {"dialogue_deadline"}

# Path segments next to "<slug>" in the buyer URLs.
RESERVED_SLUGS = frozenset({"ny"})
_NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def can_transition(need: Need, to: str) -> bool:
    return to in NEED_TRANSITIONS[need.status]


def _require(by, need_or_unit) -> None:
    if not user_can(by, Action.NEED_MANAGE, need_or_unit):
        raise PermissionDenied(_("You may not manage needs in this service area."))


def _lock(need: Need) -> Need:
    return Need.objects.select_for_update().get(pk=need.pk)


def unique_need_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title.translate(_NORWEGIAN_LETTERS))[:80].strip("-") or "behov"
    candidate, n = base, 1
    while (
        candidate in RESERVED_SLUGS
        or Need.objects.filter(slug=candidate).exclude(pk=exclude_pk).exists()
    ):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def need_data(need: Need) -> dict:
    data = {field: getattr(need, field) for field in NEED_FIELDS if field != "test_arena"}
    data.update(
        test_arena=need.test_arena_id,
        status=need.status,
        unit=need.unit_id,
        slug=need.slug,
    )
    if need.pk:
        data.update(
            municipalities=sorted(need.municipalities.values_list("pk", flat=True)),
            cpv_codes=sorted(need.cpv_codes.values_list("code", flat=True)),
            themes=sorted(need.themes.values_list("slug", flat=True)),
        )
    return data


def _check_arena(need: Need) -> None:
    arena = need.test_arena if need.test_arena_id else None
    if arena is not None and arena.owner_id != need.buyer_id and not arena.is_published:
        raise DomainError(
            _("Choose a published test arena or one of your own."),
            code="need_arena_unavailable",
            field="test_arena",
        )


def _check_deadline(need: Need) -> None:
    if need.status == Status.OPEN and deadline_passed(need.dialogue_deadline, timezone.now()):
        raise DomainError(
            _("The dialogue deadline must be in the future."),
            code="need_deadline_past",
            field="dialogue_deadline",
        )


def _set_m2m(need: Need, m2m: dict) -> None:
    for name in NEED_M2M_FIELDS:
        if name in m2m and m2m[name] is not None:
            getattr(need, name).set(m2m[name])


@transaction.atomic
def need_create(*, unit: OrganisationUnit, by, **fields) -> Need:
    """A new draft need of ``unit``'s buyer. ``fields`` are the need's own fields and the
    many-to-many ``municipalities``, ``cpv_codes`` and ``themes``."""
    _require(by, unit)
    m2m = {name: fields.pop(name, None) for name in NEED_M2M_FIELDS}
    unknown = set(fields) - set(NEED_FIELDS)
    if unknown:
        raise TypeError(f"Unknown need fields: {sorted(unknown)}")
    need = Need(buyer=unit.organisation, unit=unit, created_by=by, status=Status.DRAFT, **fields)
    need.slug = unique_need_slug(need.title)
    need.full_clean()
    _check_arena(need)
    need.save()
    _set_m2m(need, m2m)
    audit_record(actor=by, action="need.created", obj=need, after=need_data(need))
    return need


@transaction.atomic
def need_update(*, need: Need, by, unit: OrganisationUnit | None = None, **fields) -> Need:
    """Edit a draft or open need. Moving it to another unit needs the right in both units.
    Changes to an open need are announced to its followers."""
    need = _lock(need)
    _require(by, need)
    if need.status not in EDITABLE_STATUSES:
        raise InvalidTransition(
            _("A closed need can no longer be changed."), code="need_not_editable"
        )
    m2m = {name: fields.pop(name, None) for name in NEED_M2M_FIELDS}
    unknown = set(fields) - set(NEED_FIELDS)
    if unknown:
        raise TypeError(f"Unknown need fields: {sorted(unknown)}")
    before = need_data(need)
    if unit is not None and unit.pk != need.unit_id:
        _require(by, unit)
        if unit.organisation_id != need.buyer_id:
            raise PermissionDenied(_("You may not manage needs in this service area."))
        need.unit = unit
    for name, value in fields.items():
        setattr(need, name, value)
    need.full_clean(exclude=["created_by"])
    _check_arena(need)
    _check_deadline(need)
    need.save()
    _set_m2m(need, m2m)
    after = need_data(need)
    changed = sorted(key for key in after if before.get(key) != after[key])
    if not changed:
        return need
    audit_record(
        actor=by,
        action="need.updated",
        obj=need,
        before={key: before.get(key) for key in changed},
        after={key: after[key] for key in changed},
    )
    if need.status == Status.OPEN:
        need_event_on_commit(need, "updated")
        key = need.updated_at.isoformat()
        if "dialogue_deadline" in changed:
            followers_notify(event="deadline_changed", need=need, context={"key": key})
        if set(changed) & (ANNOUNCED_FIELDS | set(NEED_M2M_FIELDS)):
            followers_notify(event="amended", need=need, context={"key": key})
    return need


def _transition(need: Need, to: str, by, *, stamp: str) -> tuple[Need, dict]:
    need = _lock(need)
    _require(by, need)
    if not can_transition(need, to):
        raise InvalidTransition(
            _("A need that is “%(status)s” cannot be moved there.")
            % {"status": need.get_status_display()},
            code="need_invalid_transition",
        )
    before = {"status": need.status}
    need.status = to
    setattr(need, stamp, timezone.now())
    return need, before


@transaction.atomic
def need_publish(*, need: Need, by) -> Need:
    """Open the need for market dialogue: everyone can read it and suppliers can respond."""
    need, before = _transition(need, Status.OPEN, by, stamp="published_at")
    need.full_clean(exclude=["created_by"])
    _check_deadline(need)
    need.save()
    audit_record(actor=by, action="need.published", obj=need, before=before, after=need_data(need))
    need_event_on_commit(need, "published")
    return need


@transaction.atomic
def need_close(*, need: Need, by) -> Need:
    """Close the dialogue: no more responses. Followers are told."""
    need, before = _transition(need, Status.CLOSED, by, stamp="closed_at")
    need.save()
    audit_record(
        actor=by, action="need.closed", obj=need, before=before, after={"status": need.status}
    )
    followers_notify(event="need_closed", need=need, context={"key": "closed"})
    need_event_on_commit(need, "closed")
    return need


@transaction.atomic
def _need_close_due(*, need: Need, now: datetime.datetime) -> bool:
    """Close one open need whose dialogue deadline has passed, as the system. False when another
    run (or the buyer) got there first, or the deadline was moved meanwhile."""
    need = _lock(need)
    if not need_is_due_to_close(need, now):
        return False
    before = {"status": need.status}
    need.status = Status.CLOSED
    need.closed_at = now
    need.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=None,
        action="need.closed",
        obj=need,
        before=before,
        after={"status": need.status, "reason": "dialogue_deadline_passed"},
    )
    followers_notify(event="need_closed", need=need, context={"key": "closed"})
    need_event_on_commit(need, "closed")
    return True


def needs_close_due(*, now: datetime.datetime | None = None) -> list[str]:
    """Close every open need whose dialogue deadline has passed, each in its own transaction
    (the periodic task "needs-close-due" runs this). Returns the slugs closed; running it again
    closes nothing more."""
    now = now or timezone.now()
    due = Need.objects.filter(need_due_to_close_q(now))
    return [
        need.slug
        for need in due.order_by("dialogue_deadline", "pk")
        if _need_close_due(need=need, now=now)
    ]


@transaction.atomic
def need_mark_tendered(*, need: Need, by, tender: Tender | None = None) -> Need:
    """The need has become a tender (optionally naming it). Followers are told."""
    if tender is not None and (tender.buyer_id != need.buyer_id):
        raise DomainError(
            _("The tender must belong to the same buyer as the need."), code="need_tender_buyer"
        )
    need, before = _transition(need, Status.TENDERED, by, stamp="tendered_at")
    need.save()
    after = {"status": need.status, "tender": tender.reference if tender else None}
    audit_record(actor=by, action="need.tendered", obj=need, before=before, after=after)
    context = {"key": "tendered"}
    if tender is not None and tender.status != Tender.Status.DRAFT:
        context["reference"] = tender.reference
    followers_notify(event="need_tendered", need=need, context=context)
    need_event_on_commit(need, "tendered")
    return need


__all__ = [
    "NEED_TRANSITIONS",
    "can_transition",
    "need_close",
    "need_create",
    "need_mark_tendered",
    "need_publish",
    "need_update",
    "needs_close_due",
]
