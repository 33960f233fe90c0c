"""Reads for the dialogue around needs and tenders: who acts for which supplier, who manages a
need or tender, who follows what, and the questions a person may see.

No function here ever exposes who asked a question to anyone but the asking organisation.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, QuerySet
from django.utils import timezone

from marketplace.compiled_query import CompiledValues
from marketplace.models import Organisation, OrganisationUnit, User
from marketplace.policy import (
    ROLE_GRANTS,
    Action,
    organisation_ids_where,
    organisations_where,
    people_who_can,
    scope_q,
)
from tenders.lifecycle import is_open_for_questions
from tenders.models import Follow, Need, Question, Tender

SUPPLIER_ACTING_ROLES = ROLE_GRANTS[Action.BID_PREPARE]


def supplier_organisations_of(user) -> QuerySet[Organisation]:
    """The supplier organisations ``user`` may speak for (ask, respond, register interest)."""
    return organisations_where(user, Action.BID_PREPARE).order_by("name", "pk")


def supplier_organisation_ids_of(user) -> frozenset[int]:
    """The keys of ``supplier_organisations_of(user)``, from what the request has read about the
    person (no query of its own)."""
    return organisation_ids_where(user, Action.BID_PREPARE)


def managers_of(obj, action: Action) -> QuerySet[User]:
    """Active people whose role grants ``action`` on ``obj`` (a need or a tender) and its unit."""
    return people_who_can(action, obj)


# --- Follows -----------------------------------------------------------------------------------


# Whether a person follows a tender: asked on every signed-in tender page, so built once
# (marketplace.compiled_query; issue 14).
_FOLLOWS_TENDER = CompiledValues(
    lambda user_pk, tender_pk: (
        Follow.objects.filter(user_id=user_pk, tender_id=tender_pk).order_by().values("pk")[:1]
    ),
)


def is_following(user, *, tender: Tender | None = None, need: Need | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if tender is not None:
        return bool(_FOLLOWS_TENDER.rows(user.pk, tender.pk))
    return Follow.objects.filter(user=user, need=need).exists()


def followers_of(*, tender: Tender | None = None, need: Need | None = None) -> QuerySet[User]:
    target = {"follows__tender": tender} if tender is not None else {"follows__need": need}
    return User.objects.filter(is_active=True, **target).distinct().order_by("pk")


# --- Questions ---------------------------------------------------------------------------------


def published_questions(tender: Tender) -> QuerySet[Question]:
    """The published Q&A of a tender, in publication order. Never carries the asker."""
    return (
        Question.objects.published()
        .filter(tender=tender)
        .only("pk", "tender_id", "number", "published_question", "answer", "published_at")
        .order_by("number", "published_at")
    )


def own_pending_questions(tender: Tender, user) -> QuerySet[Question]:
    """Questions the user's supplier organisations asked that are not published yet."""
    return (
        Question.objects.filter(
            tender=tender,
            published_at__isnull=True,
            asked_by_organisation__in=supplier_organisations_of(user),
        )
        .select_related("asked_by_organisation")
        .order_by("asked_at", "pk")
    )


def _questions(rows: list[dict]) -> list[Question]:
    """``Question`` instances of the columns read (the others deferred), as the ORM makes them
    (``from_db`` takes the values in the model's field order)."""
    if not rows:
        return []
    names = [f.attname for f in Question._meta.concrete_fields if f.attname in rows[0]]
    return [
        Question.from_db(DEFAULT_DB_ALIAS, names, [row[name] for name in names]) for row in rows
    ]


_PUBLISHED_COLUMNS = ("id", "tender_id", "number", "published_question", "answer", "published_at")
_PENDING_COLUMNS = ("id", "tender_id", "text", "asked_at")
# Asked on every signed-in tender page, so built once (marketplace.compiled_query; issue 14).
_PUBLISHED = CompiledValues(
    lambda tender_pk: published_questions(Tender(pk=tender_pk)).values(*_PUBLISHED_COLUMNS),
)
_PENDING_OF_ONE = CompiledValues(
    lambda tender_pk, organisation_pk: (
        Question.objects.filter(
            tender_id=tender_pk,
            published_at__isnull=True,
            asked_by_organisation_id=organisation_pk,
        )
        .order_by("asked_at", "pk")
        .values(*_PENDING_COLUMNS)
    ),
)


def published_questions_of(tender: Tender) -> list[Question]:
    """``published_questions(tender)`` as a list, from a statement built once."""
    return _questions(_PUBLISHED.rows(tender.pk))


def pending_questions_of(tender: Tender, organisation_ids) -> list[Question]:
    """The questions ``organisations`` (their keys) asked on ``tender`` that are not published
    yet, oldest first: what ``own_pending_questions`` gives, with only the text and when it was
    asked (a page shows no more)."""
    if not organisation_ids:
        return []
    if len(organisation_ids) == 1:  # most people speak for one supplier
        (organisation_id,) = organisation_ids
        return _questions(_PENDING_OF_ONE.rows(tender.pk, organisation_id))
    return list(
        Question.objects.filter(
            tender=tender,
            published_at__isnull=True,
            asked_by_organisation_id__in=sorted(organisation_ids),
        )
        .only(*_PENDING_COLUMNS)
        .order_by("asked_at", "pk")
    )


def questions_for_buyer(tender: Tender) -> QuerySet[Question]:
    """Every question on the tender, for the people who answer them: unanswered first."""
    return (
        Question.objects.filter(tender=tender)
        .select_related("answered_by")
        .order_by(F("published_at").asc(nulls_first=True), "asked_at", "pk")
    )


def can_ask(tender: Tender, *, now=None) -> bool:
    """Whether the tender takes questions now: our own, open for bids, before the deadline."""
    return is_open_for_questions(tender, now or timezone.now())


def units_managed_by(user, action: Action):
    """Active units where ``user`` holds ``action`` (every unit for an organisation-wide role)."""
    return (
        OrganisationUnit.objects.filter(
            scope_q(user, action, organisation="organisation", unit="pk"), is_active=True
        )
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def organisations_managed_by(user, action: Action) -> QuerySet[Organisation]:
    """Buyers where ``user`` holds ``action`` for the whole organisation."""
    return Organisation.objects.buyers().filter(scope_q(user, action, organisation="pk", unit=None))
