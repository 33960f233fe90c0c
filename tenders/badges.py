"""Short labels on a tender in lists and on its page: "Closes in 3 days", "Pilot", "Doffin" ...

Pure functions of the tender and the time, so tests need no clock: ``tender_badges(t, now=...)``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tenders.lifecycle import effective_status_label, is_open_for_bids
from tenders.models import Tender

# "Closes in …" is shown this long before the submission deadline.
CLOSING_SOON = datetime.timedelta(days=14)
# … and in the warning colour this long before it.
CLOSING_VERY_SOON = datetime.timedelta(days=3)


@dataclass(frozen=True)
class Badge:
    label: str
    color: str  # a Designsystemet data-color: accent, neutral, success, warning, danger, info
    kind: str  # a stable name for tests and CSS: closing, status, pilot, smb, doffin


def closing_label(deadline: datetime.datetime, now: datetime.datetime) -> str:
    """How long is left, rounded down: "Closes in 3 days", "Closes in 5 hours"."""
    left = deadline - now
    if left >= datetime.timedelta(days=1):
        days = left.days
        return ngettext("Closes in %(days)s day", "Closes in %(days)s days", days) % {"days": days}
    hours = int(left.total_seconds() // 3600)
    if hours >= 1:
        return ngettext("Closes in %(hours)s hour", "Closes in %(hours)s hours", hours) % {
            "hours": hours
        }
    return _("Closes within an hour")


def status_label(tender: Tender, now: datetime.datetime) -> str:
    """The status as a reader understands it: a published tender past its deadline is closed."""
    return effective_status_label(tender, now)


def is_pilot(tender: Tender) -> bool:
    return tender.is_pilot or bool(tender.need_id and tender.need.is_pilot_opportunity)


def has_smb_lots(tender: Tender) -> bool:
    annotated = getattr(tender, "has_smb_lots", None)
    if annotated is not None:
        return annotated
    return tender.lots.filter(suitable_for_smb=True).exists()


def tender_badges(tender: Tender, *, now: datetime.datetime) -> list[Badge]:
    badges: list[Badge] = []
    if is_open_for_bids(tender, now):
        deadline = tender.submission_deadline
        if deadline is not None and deadline - now <= CLOSING_SOON:
            color = "warning" if deadline - now <= CLOSING_VERY_SOON else "info"
            badges.append(Badge(closing_label(deadline, now), color, "closing"))
    else:
        color = "danger" if tender.status == Tender.Status.CANCELLED else "neutral"
        badges.append(Badge(status_label(tender, now), color, "status"))
    if is_pilot(tender):
        badges.append(Badge(_("Pilot"), "success", "pilot"))
    if has_smb_lots(tender):
        badges.append(Badge(_("SMB-friendly lots"), "accent", "smb"))
    if tender.is_external:
        badges.append(Badge(_("Doffin"), "neutral", "doffin"))
    return badges
