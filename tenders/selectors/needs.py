"""Reads about needs, responses, invitations and test arenas, with related rows fetched."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from marketplace.policy import Action, scope_q
from tenders.lifecycle import need_effective_status_label, need_effective_status_q
from tenders.models import Need, NeedInvitation, NeedResponse, Tender, TestArena
from tenders.selectors.dialogue import supplier_organisations_of


def public_needs(*, status: str = "", theme: str = "", pilot: bool = False) -> QuerySet[Need]:
    """Needs anyone may read, open ones first, newest first. Open and closed as the clock
    decides: past its dialogue deadline a need is closed before the periodic close runs."""
    now = timezone.now()
    needs = (
        Need.objects.public()
        .select_related("buyer", "unit", "test_arena")
        .prefetch_related("themes")
        .annotate(
            open_first=Case(
                When(need_effective_status_q({Need.Status.OPEN}, now), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("open_first", "-published_at", "-pk")
    )
    if status in {Need.Status.OPEN, Need.Status.CLOSED, Need.Status.TENDERED}:
        needs = needs.filter(need_effective_status_q({status}, now))
    if theme:
        needs = needs.filter(themes__slug=theme)
    if pilot:
        needs = needs.filter(is_pilot_opportunity=True)
    return needs


def public_need(slug: str) -> Need | None:
    return (
        Need.objects.public()
        .select_related("buyer", "unit", "test_arena")
        .prefetch_related("themes", "municipalities", "cpv_codes", public_tenders_of_need())
        .filter(slug=slug)
        .first()
    )


def public_tenders_of_need() -> Prefetch:
    return Prefetch(
        "tenders",
        queryset=Tender.objects.public().order_by("-published_at"),
        to_attr="public_tenders",
    )


def needs_managed_by(user) -> QuerySet[Need]:
    """The needs in the service areas where ``user`` may manage needs."""
    return (
        Need.objects.filter(scope_q(user, Action.NEED_MANAGE))
        .select_related("buyer", "unit")
        .order_by("-created_at", "-pk")
    )


def workspace_needs(user, *, limit: int = 10) -> list[Need]:
    """The workspace's needs (not yet tendered), newest first, each with ``status_label``: the
    status as the clock decides it (closed from the dialogue deadline on)."""
    now = timezone.now()
    needs = list(needs_managed_by(user).exclude(status=Need.Status.TENDERED)[:limit])
    for need in needs:
        need.status_label = need_effective_status_label(need, now)
    return needs


def need_for_buyer(user, slug: str) -> Need | None:
    return (
        needs_managed_by(user)
        .select_related("test_arena", "created_by")
        .prefetch_related("themes", "municipalities", "cpv_codes")
        .filter(slug=slug)
        .first()
    )


def responses_for_buyer(need: Need) -> QuerySet[NeedResponse]:
    return need.responses.select_related("supplier", "created_by").order_by("created_at", "pk")


def invitations_of(need: Need) -> QuerySet[NeedInvitation]:
    return need.invitations.select_related("supplier", "invited_by").order_by("created_at", "pk")


def own_responses(need: Need, user) -> QuerySet[NeedResponse]:
    """The responses of the supplier organisations ``user`` speaks for: theirs, no one else's."""
    return need.responses.filter(supplier__in=supplier_organisations_of(user)).select_related(
        "supplier"
    )


def own_invitations(need: Need, user) -> QuerySet[NeedInvitation]:
    return need.invitations.filter(supplier__in=supplier_organisations_of(user)).select_related(
        "supplier"
    )


# --- Test arenas -------------------------------------------------------------------------------


def published_arenas(*, kind: str = "") -> QuerySet[TestArena]:
    arenas = TestArena.objects.published().select_related("owner", "unit", "municipality")
    if kind in TestArena.Kind.values:
        arenas = arenas.filter(kind=kind)
    return arenas.order_by("name", "pk")


def published_arena(slug: str) -> TestArena | None:
    return (
        published_arenas()
        .prefetch_related(
            Prefetch(
                "needs",
                queryset=Need.objects.public().order_by("-published_at"),
                to_attr="public_needs",
            )
        )
        .filter(slug=slug)
        .first()
    )


def arenas_managed_by(user) -> QuerySet[TestArena]:
    return (
        TestArena.objects.filter(scope_q(user, Action.NEED_MANAGE, organisation="owner"))
        .select_related("owner", "unit")
        .order_by("name", "pk")
    )


def arenas_for_need_form(need_buyer) -> QuerySet[TestArena]:
    """Arenas a need may offer: the buyer's own (published or not) and any published one."""
    return TestArena.objects.filter(Q(owner=need_buyer) | Q(is_published=True)).order_by("name")
