"""The only door to bids for the rest of the code: reads that cannot see a sealed bid.

Until a tender's bids are opened (``TenderOpening.opened_at`` is set, both openers having acted
when two are needed) nothing outside the bidding side may depend on them — not their content,
not their number, not who sent them. Every function here therefore starts from bids of
*opened* tenders, so a count, share or list built on it stays byte-for-byte the same while a
tender is open for bids, and moves only when the opening service lifts the seal.

Other apps (pilots, search, matching, cms, and config) read bids only through this module: an
import-linter contract in ``pyproject.toml`` forbids them to import ``bids.models``,
``bids.selectors``, ``bids.services`` and the app's other internals. Inside ``bids`` the buyer's
and the supplier's pages go through ``bids.services.sealing`` as before; this module is for
figures and links that are not tied to one reader.

Award decisions exist only after opening (evaluation needs opened bids), but they are filtered
the same way here, so the guarantee does not rest on that workflow alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from bids.models import AwardDecision, Bid

# The status of an award decision, for callers that compare it (``AwardStatus.ACTIVE``).
AwardStatus = AwardDecision.Status


def opened_q(tender: str = "tender") -> Q:
    """``Q`` matching rows whose tender (reached through the path ``tender``) has been opened.

    The queryset form of ``bids.services.sealing.tender_is_open``: a pending two-person opening
    (requested, not confirmed) is not an opening.
    """
    return Q(**{f"{tender}__opening__opened_at__isnull": False})


def opened_bids() -> QuerySet[Bid]:
    """Bids in force on opened tenders: the submitted version of each supplier's bid.

    Drafts, withdrawn and replaced versions are left out; a joint bid is one bid, its lead
    supplier's. Bids of tenders not yet opened do not exist for the caller.
    """
    return Bid.objects.filter(opened_q(), status=Bid.Status.SUBMITTED, submitted_at__isnull=False)


def opened_bid_counts(tender_ids: Iterable[int]) -> dict[int, int]:
    """Bids in force per tender, for the opened ones among ``tender_ids`` (others are absent)."""
    rows = (
        opened_bids()
        .filter(tender_id__in=list(tender_ids))
        .values("tender_id")
        .annotate(n=Count("pk"))
        .values_list("tender_id", "n")
    )
    return dict(rows)


def award_decisions() -> QuerySet[AwardDecision]:
    """Award decisions, in force or withdrawn, on opened tenders."""
    return AwardDecision.objects.filter(opened_q())


def active_award_decisions() -> QuerySet[AwardDecision]:
    """Award decisions in force (one per lot) on opened tenders; withdrawn ones left out."""
    return award_decisions().filter(status=AwardStatus.ACTIVE)


__all__ = [
    "AwardStatus",
    "active_award_decisions",
    "award_decisions",
    "opened_bid_counts",
    "opened_bids",
    "opened_q",
]
