"""What every pilot service shares: who may act, the row lock, validation, and the timeline.

``record`` writes a ``PilotEntry`` both sides see and, once the change commits, tells the other
side (``NotificationKind.PILOTS``): the buyer's managers of the pilot's unit, or the supplier's
members. The actor is never told about their own change.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import NotificationKind
from marketplace.policy import Action, people_who_can, user_can
from marketplace.services.notifications import notify
from pilots.models import Pilot, PilotEntry


class PilotError(DomainError):
    code = "pilot_error"


# --- Helpers ----------------------------------------------------------------------------------


def require_manage(by, obj) -> None:
    if not user_can(by, Action.PILOT_MANAGE, obj):
        raise PermissionDenied(_("You may not manage this pilot."))


def can_report(by, pilot: Pilot) -> bool:
    return user_can(by, Action.PILOT_REPORT, pilot.supplier)


def side_of(by, pilot: Pilot) -> str | None:
    """ "buyer" or "supplier": which side of the pilot a user acts for (buyer wins)."""
    if user_can(by, Action.PILOT_MANAGE, pilot):
        return "buyer"
    if can_report(by, pilot):
        return "supplier"
    return None


def lock(pilot: Pilot) -> Pilot:
    return (
        Pilot.objects.select_for_update(of=("self",))
        .select_related("buyer", "supplier", "unit")
        .get(pk=pilot.pk)
    )


def clean(instance, exclude=None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise PilotError(
            messages[0], code="invalid", field=None if field == "__all__" else field
        ) from error


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _recipients(pilot: Pilot, side: str):
    """Users of one side of the pilot who follow it: supplier members, or the buyer's managers
    of the pilot's unit (or of the whole organisation)."""
    if side == "supplier":
        return people_who_can(Action.PILOT_REPORT, pilot.supplier)
    return people_who_can(Action.PILOT_MANAGE, pilot)


def record(
    pilot: Pilot, *, by, side: str, kind: str, text: str, data: dict | None = None
) -> PilotEntry:
    """Write the timeline entry and tell the other side once the change commits."""
    organisation = pilot.buyer if side == "buyer" else pilot.supplier
    entry = PilotEntry.objects.create(
        pilot=pilot,
        kind=kind,
        text=text,
        data={key: plain(value) for key, value in (data or {}).items()},
        author=by if getattr(by, "is_authenticated", False) else None,
        author_organisation=organisation,
    )
    other = "supplier" if side == "buyer" else "buyer"
    pilot_id, entry_id = pilot.pk, entry.pk

    def tell() -> None:
        fresh = Pilot.objects.select_related("buyer", "supplier").get(pk=pilot_id)
        line = PilotEntry.objects.get(pk=entry_id)
        url = reverse("pilots:pilot_detail", kwargs={"public_id": fresh.public_id})
        for user in _recipients(fresh, other):
            if user.pk == getattr(by, "pk", None):
                continue
            notify(
                recipient=user,
                kind=NotificationKind.PILOTS,
                key=f"pilot-entry:{entry_id}",
                template="pilots/notifications/pilot_entry",
                context={"pilot": fresh, "entry": line, "organisation": organisation},
                url=url,
            )

    transaction.on_commit(tell)
    return entry
