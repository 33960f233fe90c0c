"""Reads about organisations and memberships, with related rows fetched up front."""

from __future__ import annotations

from django.db.models import QuerySet

from marketplace.models import Membership


def memberships_of(user) -> QuerySet[Membership]:
    return (
        Membership.objects.for_user(user)
        .select_related("organisation", "unit")
        .order_by("organisation__name", "role")
    )
