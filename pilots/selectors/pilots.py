"""Reads about pilots, always scoped to the organisations the user acts for.

A user sees a pilot as a supplier member (``PILOT_REPORT`` on the supplier) or as a buyer manager
(``PILOT_MANAGE`` for the whole buyer or for the pilot's unit). Any other pilot is a 404.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404

from bids import public
from marketplace.formatting import OSLO
from marketplace.policy import Action, scope_q
from pilots.models import Pilot


def _scope(user) -> Q:
    """Pilots the user reports on as a supplier member or manages on the buyer side."""
    return scope_q(user, Action.PILOT_REPORT, organisation="supplier", unit=None) | scope_q(
        user, Action.PILOT_MANAGE
    )


def pilots_for(user) -> QuerySet[Pilot]:
    """Every pilot the user takes part in, newest first."""
    return (
        Pilot.objects.filter(_scope(user))
        .select_related("buyer", "supplier", "unit", "tender", "lot")
        .order_by("-created_at", "-pk")
    )


def pilot_for(user, public_id) -> Pilot:
    """One pilot the user takes part in, or 404."""
    pilot = (
        pilots_for(user)
        .select_related("follow_on_tender", "decided_by", "award")
        .filter(public_id=public_id)
        .first()
    )
    if pilot is None:
        raise Http404
    return pilot


def managed_pilots(user) -> QuerySet[Pilot]:
    """The pilots the user manages on the buyer side."""
    return Pilot.objects.filter(scope_q(user, Action.PILOT_MANAGE))


def outcome_overview(pilots: QuerySet[Pilot]) -> list[dict]:
    """Per year of decision: how many pilots ended with each outcome, and how many of the
    scaled-up ones turned into a contract (a follow-on tender or a contract value).

    Years are those of ``decided_at`` in Europe/Oslo, newest first.
    """
    rows = (
        pilots.filter(status=Pilot.Status.DECIDED, decided_at__isnull=False)
        .annotate(year=ExtractYear("decided_at", tzinfo=OSLO))
        .values("year", "outcome")
        .annotate(
            n=Count("pk"),
            contracts=Count(
                "pk",
                filter=Q(outcome=Pilot.Outcome.SCALED_UP)
                & (Q(follow_on_tender__isnull=False) | Q(contract_value__isnull=False)),
            ),
        )
    )
    years: dict[int, dict] = defaultdict(
        lambda: {"scaled_up": 0, "continued": 0, "stopped": 0, "contracts": 0, "total": 0}
    )
    for row in rows:
        year = years[row["year"]]
        year[row["outcome"]] += row["n"]
        year["contracts"] += row["contracts"]
        year["total"] += row["n"]
    return [{"year": year, **counts} for year, counts in sorted(years.items(), reverse=True)]


def awards_ready_for_pilot(user):
    """Active award decisions on pilot tenders the user manages that have no pilot yet."""
    managed = scope_q(user, Action.PILOT_MANAGE, organisation="tender__buyer", unit="tender__unit")
    return (
        public.active_award_decisions()
        .filter(managed, tender__is_pilot=True, pilot__isnull=True)
        .select_related("tender", "lot", "bid__supplier")
        .order_by("-decided_at")
    )
