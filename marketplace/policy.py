"""The one permission policy: ``user_can(user, action, obj)`` and its two other halves.

Every permission in the product is a named ``Action``; views declare the action they need and this
module decides: per object (``user_can``), as a queryset filter (``scope_q``: which objects a user
may act on) and as a list of people (``people_who_can``: who may act on an object). All three read
``ROLE_GRANTS`` and the same unit rule, so they cannot disagree. Data of one organisation is
reached only through querysets scoped to it, so a refusal on an object URL is a 404, never a hint
that the object exists.
"""

from __future__ import annotations

import itertools
from enum import StrEnum
from typing import NamedTuple

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.db.models.signals import m2m_changed, post_delete, post_save

from marketplace.compiled_query import CompiledValues
from marketplace.models import ADMIN_ROLES, Membership, Notification, Organisation, Role, User

# Wagtail's editors and moderators publish to the public site (marketplace.accounts.requires_mfa).
WAGTAIL_MFA_GROUPS = ("Editors", "Moderators")


class Action(StrEnum):
    # Organisations
    ORGANISATION_VIEW = "organisation.view"
    ORGANISATION_EDIT = "organisation.edit"
    MEMBERS_MANAGE = "organisation.members.manage"
    # Buyer work (units): used by tenders and later features
    NEED_MANAGE = "need.manage"
    TENDER_MANAGE = "tender.manage"
    BID_OPEN = "bid.open"
    BID_EVALUATE = "bid.evaluate"
    # Naming an evaluator whose role is limited to another unit than the tender's.
    EVALUATORS_ACROSS_UNITS = "bid.evaluators.across_units"
    PILOT_MANAGE = "pilot.manage"
    # Supplier work
    SUPPLIER_PROFILE_EDIT = "supplier.profile.edit"
    BID_PREPARE = "bid.prepare"
    PILOT_REPORT = "pilot.report"
    # Site
    AUDIT_VIEW = "audit.view"


# Which roles grant which action on an organisation (or one of its units).
ROLE_GRANTS: dict[Action, frozenset[Role]] = {
    Action.ORGANISATION_VIEW: frozenset(Role),
    Action.ORGANISATION_EDIT: frozenset({Role.SUPPLIER_ADMIN, Role.BUYER_ADMIN}),
    Action.MEMBERS_MANAGE: frozenset(ADMIN_ROLES),
    Action.NEED_MANAGE: frozenset({Role.BUYER_ADMIN, Role.PROCUREMENT_OFFICER, Role.NEED_OWNER}),
    Action.TENDER_MANAGE: frozenset({Role.BUYER_ADMIN, Role.PROCUREMENT_OFFICER}),
    Action.BID_OPEN: frozenset({Role.BID_OPENER}),
    Action.BID_EVALUATE: frozenset({Role.EVALUATOR}),
    # Asked of the organisation as a whole (``user_can(by, ..., tender.buyer)``): an officer of
    # one unit does not name another unit's people; the organisation's administrator does.
    Action.EVALUATORS_ACROSS_UNITS: frozenset({Role.BUYER_ADMIN}),
    Action.PILOT_MANAGE: frozenset({Role.BUYER_ADMIN, Role.PROCUREMENT_OFFICER, Role.NEED_OWNER}),
    Action.SUPPLIER_PROFILE_EDIT: frozenset({Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER}),
    Action.BID_PREPARE: frozenset({Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER}),
    Action.PILOT_REPORT: frozenset({Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER}),
    Action.AUDIT_VIEW: frozenset({Role.BUYER_ADMIN}),
}

# Actions on the organisation as a whole that any of its members may take, whatever unit their
# role is limited to: a procurement officer of one service area still sees the county's page.
ORGANISATION_WIDE_ACTIONS: frozenset[Action] = frozenset({Action.ORGANISATION_VIEW})

# Actions a person takes on an object they were named to (an evaluator named to a tender). For
# these a role held in any unit of the organisation counts: the naming chose the person, and
# naming someone from another unit is itself decided here (``EVALUATORS_ACROSS_UNITS``). Callers
# ask ``user_can_as_named`` and check the naming (the assignment row) themselves.
NAMED_ACTIONS: frozenset[Action] = frozenset({Action.BID_EVALUATE})


def _organisation_and_unit(obj) -> tuple[Organisation | None, object | None]:
    """Where an object belongs. Models take part by defining ``policy_scope()``.

    ``policy_scope()`` returns ``(organisation, unit_or_None)``; a tender returns its buyer and
    unit, a bid its supplier, and so on.
    """
    if obj is None:
        return None, None
    scope = getattr(obj, "policy_scope", None)
    if scope is None:
        raise TypeError(f"{type(obj).__name__} has no policy_scope(); the policy cannot judge it.")
    organisation, unit = scope()
    if organisation is None or unit is None:
        return organisation, unit
    if unit.organisation_id != organisation.pk:
        # A unit of another organisation would let a role in one buyer count in another.
        raise ValueError(
            f"{type(obj).__name__}.policy_scope() names a unit of another organisation."
        )
    return organisation, unit


class Held(NamedTuple):
    """One membership as the policy reads it."""

    organisation_id: int
    kind: str
    role: str
    unit_id: int | None


class UserFacts(NamedTuple):
    """What the policy, the TOTP rule and the header ask about a person, read in one query."""

    memberships: tuple[Held, ...]
    in_mfa_group: bool
    # Wagtail's "access_admin" permission, as ``user.has_perm("wagtailadmin.access_admin")``
    # answers it (ModelBackend: active superusers, or the permission given to the person or one
    # of their groups), without its two queries.
    can_access_admin: bool = False
    # The header's count of notifications not yet opened.
    unread_notifications: int = 0
    # Whether the person has set up TOTP (marketplace.accounts.has_mfa).
    has_totp: bool = False


# The attribute that marks a user loaded for one request (RequestUserMemoMiddleware) and holds
# what was read about them. Other user objects (a service's, a task's, a test's) are read afresh
# every time, so a role granted or removed is seen at once.
REQUEST_MEMO = "_pm_request_memo"


# Bumped whenever a membership or a person's groups change, so that a request that changes them
# (an admin stepping down, say) reads afresh what it asks next.
_generation = itertools.count()
_current = next(_generation)


def _forget_what_was_read(**_kwargs) -> None:
    global _current
    _current = next(_generation)


post_save.connect(_forget_what_was_read, sender=Membership, dispatch_uid="policy-memo-save")
post_delete.connect(_forget_what_was_read, sender=Membership, dispatch_uid="policy-memo-delete")
m2m_changed.connect(
    _forget_what_was_read, sender=User.groups.through, dispatch_uid="policy-memo-groups"
)
m2m_changed.connect(
    _forget_what_was_read,
    sender=User.user_permissions.through,
    dispatch_uid="policy-memo-permissions",
)
m2m_changed.connect(
    _forget_what_was_read, sender=Group.permissions.through, dispatch_uid="policy-memo-group-perms"
)
# TOTP set up or removed in a request is seen by the TOTP rule afresh.
post_save.connect(_forget_what_was_read, sender=Authenticator, dispatch_uid="policy-memo-totp")
post_delete.connect(
    _forget_what_was_read, sender=Authenticator, dispatch_uid="policy-memo-totp-delete"
)
# A notification opened (or made, or deleted) in a request is counted afresh in its header.
post_save.connect(_forget_what_was_read, sender=Notification, dispatch_uid="policy-memo-notif")
post_delete.connect(
    _forget_what_was_read, sender=Notification, dispatch_uid="policy-memo-notif-delete"
)


def remember_per_request(user):
    """Mark ``user`` (loaded for one request) so that its facts are read once in that request."""
    if getattr(user, "is_authenticated", False) and not hasattr(user, REQUEST_MEMO):
        setattr(user, REQUEST_MEMO, {})
    return user


_ADMIN_PERMISSION = {"codename": "access_admin", "content_type__app_label": "wagtailadmin"}


def _person_columns() -> dict:
    """What is read about the person beside the memberships (both databases alike): Wagtail
    groups and admin permission, unread notifications, TOTP."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return {
        "in_mfa_group": Exists(
            Group.objects.filter(user=OuterRef("pk"), name__in=WAGTAIL_MFA_GROUPS)
        ),
        "own_admin_permission": Exists(
            Permission.objects.filter(user=OuterRef("pk"), **_ADMIN_PERMISSION)
        ),
        "group_admin_permission": Exists(
            Permission.objects.filter(group__user=OuterRef("pk"), **_ADMIN_PERMISSION)
        ),
        "unread": Coalesce(Subquery(unread, output_field=IntegerField()), 0),
        "has_totp": Exists(
            Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
        ),
    }


_PERSON = (
    "in_mfa_group",
    "own_admin_permission",
    "group_admin_permission",
    "unread",
    "has_totp",
)
_NOBODY = {
    "held": [],
    "in_mfa_group": False,
    "own_admin_permission": False,
    "group_admin_permission": False,
    "unread": 0,
    "has_totp": False,
}


def _facts_query(user_pk: int) -> QuerySet:
    """PostgreSQL: the memberships as an array of JSON objects and the person's own facts, one
    row."""
    # The organisation's kind by its key, one index lookup per membership: a join let the
    # planner merge-join the memberships with the whole organisation table's key index when
    # its statistics of the (small) membership table were older than a new organisation (a
    # scan of 100,000 keys, 17-32 ms, on every page of that organisation's people).
    kind = Organisation.objects.filter(pk=OuterRef("organisation_id")).order_by().values("kind")
    held = (
        Membership.objects.filter(user=OuterRef("pk"))
        .order_by("organisation_id", "role", "unit_id")
        .values(
            json=JSONObject(
                organisation_id="organisation_id",
                kind=Subquery(kind),
                role="role",
                unit_id="unit_id",
            )
        )
    )
    return (
        User.objects.filter(pk=user_pk)
        .annotate(held=ArraySubquery(held), **_person_columns())
        .values("held", *_PERSON)
        .order_by()
    )


def _facts_rows_query(user_pk: int) -> QuerySet:
    """Other databases (SQLite, the embedded default): the same facts, a row per membership (one
    row of nulls when there is none)."""
    return (
        User.objects.filter(pk=user_pk)
        .annotate(**_person_columns())
        .values(
            *_PERSON,
            organisation_id=F("memberships__organisation_id"),
            kind=F("memberships__organisation__kind"),
            role=F("memberships__role"),
            unit_id=F("memberships__unit_id"),
        )
        .order_by()
    )


# Built by the ORM once per process (4 ms of CPU on every signed-in page before; issue 14).
_FACTS = CompiledValues(_facts_query)
_FACTS_ROWS = CompiledValues(_facts_rows_query)


def _facts_row(user_pk: int) -> dict:
    """PostgreSQL: the person's facts in one query and one row."""
    rows = _FACTS.rows(user_pk)
    return rows[0] if rows else _NOBODY


def _facts_rows(user_pk: int) -> dict:
    """Other databases: the person's facts in one query, a row per membership."""
    rows = _FACTS_ROWS.rows(user_pk)
    if not rows:
        return _NOBODY
    held = [
        {key: row[key] for key in ("organisation_id", "kind", "role", "unit_id")}
        for row in rows
        if row["organisation_id"] is not None
    ]
    return {"held": held, **{key: rows[0][key] for key in _PERSON}}


def user_facts(user) -> UserFacts:
    """The person's memberships (with the organisation's kind), Wagtail groups and admin
    permission, and unread notifications, one query; once per request for the request's user."""
    memo = getattr(user, REQUEST_MEMO, None)
    if memo is not None and memo.get("facts_generation") == _current:
        return memo["facts"]
    row = _facts_row(user.pk) if connection.vendor == "postgresql" else _facts_rows(user.pk)
    facts = UserFacts(
        memberships=tuple(Held(**item) for item in row["held"]),
        in_mfa_group=row["in_mfa_group"],
        can_access_admin=user.is_active
        and (user.is_superuser or row["own_admin_permission"] or row["group_admin_permission"]),
        unread_notifications=row["unread"],
        has_totp=row["has_totp"],
    )
    if memo is not None:
        memo["facts"], memo["facts_generation"] = facts, _current
    return facts


def roles_of(user, organisation: Organisation, unit=None, *, any_unit: bool = False) -> set[Role]:
    """The roles a user holds in an organisation; unit-limited roles count only for that unit.

    With ``any_unit`` a role limited to any unit of the organisation counts as well.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    # Only roles of the organisation's kind count. Services and the admin refuse any other, but
    # a supplier role that still sits in a buyer (a kind changed, a row written by hand) must
    # grant nothing there, least of all administration.
    of_kind = {role.value for role in Role.for_kind(organisation.kind)}
    roles: set[Role] = set()
    for held in user_facts(user).memberships:
        if held.organisation_id != organisation.pk or held.role not in of_kind:
            continue
        role, unit_id = held.role, held.unit_id
        if any_unit or unit_id is None or (unit is not None and unit_id == unit.pk):
            roles.add(Role(role))
    return roles


def user_can(user, action: Action, obj=None) -> bool:
    """Decide whether ``user`` may do ``action`` on ``obj``.

    Superusers are not let past the organisation boundary: a bid is sealed against them too.
    The Django admin has its own (staff) permissions for site administration.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if action == Action.AUDIT_VIEW and user.is_superuser:
        return True
    organisation, unit = _organisation_and_unit(obj)
    if organisation is None:
        return False
    granted = ROLE_GRANTS.get(action, frozenset())
    any_unit = unit is None and action in ORGANISATION_WIDE_ACTIONS
    return bool(roles_of(user, organisation, unit, any_unit=any_unit) & granted)


def user_can_as_named(user, action: Action, obj) -> bool:
    """Whether ``user``, named to ``obj`` (the caller checks the naming), may do ``action`` on it:
    a role granting a ``NAMED_ACTIONS`` action counts in any unit of the object's organisation."""
    if action not in NAMED_ACTIONS:
        raise ValueError(f"{action} is not an action taken by a person named to the object.")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    organisation, unit = _organisation_and_unit(obj)
    if organisation is None:
        return False
    return bool(roles_of(user, organisation, unit, any_unit=True) & ROLE_GRANTS[action])


def _granted(action: Action) -> tuple[frozenset[str], frozenset[str]]:
    """The roles that grant ``action`` and the organisation kinds in which they count."""
    granted = ROLE_GRANTS.get(action, frozenset())
    # Only roles of the organisation's kind count (see roles_of).
    kinds = frozenset(kind for kind in Organisation.Kind if set(Role.for_kind(kind)) & granted)
    return frozenset(role.value for role in granted), kinds


def organisation_ids_where(user, action: Action) -> frozenset[int]:
    """The keys of ``organisations_where(user, action)``, from the person's facts (no query of
    its own): for a page that only needs to know whether, or which, without the rows."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    granted_values, kinds = _granted(action)
    return frozenset(
        held.organisation_id
        for held in user_facts(user).memberships
        if held.role in granted_values and held.kind in kinds
    )


def organisations_where(user, action: Action):
    """The organisations in which ``user`` holds a role that grants ``action`` (on the
    organisation as a whole or on any of its units). Empty for anonymous users."""
    ids = organisation_ids_where(user, action)
    if not ids:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk__in=ids, kind__in=_granted(action)[1])


def _roles_of_kind(kind: str) -> frozenset[str]:
    return frozenset(role.value for role in Role.for_kind(kind))


def scope_q(
    user,
    action: Action,
    *,
    organisation: str = "buyer",
    unit: str | None = "unit",
    named: bool = False,
) -> Q:
    """The queryset half of ``user_can``: a ``Q`` matching the objects on which ``user`` may do
    ``action`` (``named``: the half of ``user_can_as_named``).

    ``organisation`` and ``unit`` are the field paths of what the model's ``policy_scope()``
    returns (``"buyer"``/``"unit"`` for tenders, needs and pilots; ``"owner"`` for test arenas;
    ``"tender__buyer"`` for rows of a tender; ``unit=None`` for objects of a whole organisation,
    such as a bid's ``"supplier"``). An organisation-wide role covers every unit, a unit-limited
    role its unit only, exactly as ``user_can`` decides (tests check both halves object by
    object).
    """
    nothing = Q(pk__in=[])
    if named and action not in NAMED_ACTIONS:
        raise ValueError(f"{action} is not an action taken by a person named to the object.")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return nothing
    if action == Action.AUDIT_VIEW and user.is_superuser:
        return Q()
    granted = {role.value for role in ROLE_GRANTS.get(action, frozenset())}
    whole: set[int] = set()
    q = nothing
    for held in user_facts(user).memberships:
        if held.role not in granted or held.role not in _roles_of_kind(held.kind):
            continue
        if held.unit_id is None or named:
            whole.add(held.organisation_id)
        elif unit is not None:
            in_unit = Q(**{unit: held.unit_id})
            if action in ORGANISATION_WIDE_ACTIONS:
                in_unit |= Q(**{f"{unit}__isnull": True})
            q |= Q(**{organisation: held.organisation_id}) & in_unit
        elif action in ORGANISATION_WIDE_ACTIONS:
            whole.add(held.organisation_id)
    if whole:
        q |= Q(**{f"{organisation}__in": sorted(whole)})
    return q


def people_who_can(action: Action, obj, *, named: bool = False) -> QuerySet[User]:
    """The other half: active people whose role grants ``action`` on ``obj`` (``named``: as
    ``user_can_as_named`` counts it, a role in any unit of the object's organisation), by id.

    The superuser's audit view is not a role and is not listed.
    """
    if named and action not in NAMED_ACTIONS:
        raise ValueError(f"{action} is not an action taken by a person named to the object.")
    organisation, unit = _organisation_and_unit(obj)
    if organisation is None:
        return User.objects.none()
    granted = {role.value for role in ROLE_GRANTS.get(action, frozenset())}
    memberships = Membership.objects.filter(
        organisation=organisation, role__in=granted & _roles_of_kind(organisation.kind)
    )
    if not (named or (unit is None and action in ORGANISATION_WIDE_ACTIONS)):
        in_unit = Q(unit__isnull=True)
        if unit is not None:
            in_unit |= Q(unit=unit)
        memberships = memberships.filter(in_unit)
    return User.objects.filter(pk__in=memberships.values("user_id"), is_active=True).order_by("pk")
