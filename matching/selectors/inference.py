"""CPV codes inferred from words: what a need, tender or profile without codes is about.

A buyer may describe a need in plain words before anyone has picked CPV codes, and a new firm
may describe what it does before it has found its codes in a list of 9,000. The matcher then
asks the search backend (``get_backend().text_scores``) for the tenders whose words are closest
(own tenders and the notices imported from Doffin alike), and lets the CPV groups of the closest
ones vote, weighted by how close each is. The groups that get at least half the votes of the
best one are used as the wanted codes, and the page says that they were inferred.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from matching.scoring import branch_code
from matching.selectors.facts import tender_codes
from search.backends import get_backend
from tenders.models import Tender

NEIGHBOURS = 5  # the closest tenders whose CPV groups vote
KEEP_SHARE = 0.5  # a group is kept when it has at least this share of the best group's votes
GROUP_DIGITS = 3


@dataclass(frozen=True)
class InferredCpv:
    codes: tuple[str, ...] = ()  # group codes ("72200000"), most votes first
    neighbours: tuple[int, ...] = ()  # primary keys of the tenders that voted, closest first

    def __bool__(self) -> bool:
        return bool(self.codes)


def infer_cpv(text: str, *, exclude: Iterable[int] = ()) -> InferredCpv:
    """The CPV groups the closest tenders to ``text`` share, best first (empty when no tender
    with codes shares a meaningful word with it). ``exclude`` leaves tenders out (the object
    whose codes are being inferred, when it is a tender itself)."""
    exclude = set(exclude)
    if not text.strip():
        return InferredCpv()
    scores = get_backend().text_scores("tender", text, limit=NEIGHBOURS * 4 + len(exclude))
    ranked = sorted(
        ((pk, value) for pk, value in scores.items() if pk not in exclude),
        key=lambda item: (-item[1], item[0]),
    )
    tenders = Tender.objects.select_related("main_cpv").in_bulk([pk for pk, _ in ranked])
    votes: Counter[str] = Counter()
    voters: list[int] = []
    for pk, similarity in ranked:
        tender = tenders.get(pk)
        # The group is the first three digits (a division-level code such as 72000000 votes
        # for "720", which stands for the whole division when used as a code).
        groups = {code[:GROUP_DIGITS] for code in tender_codes(tender)} if tender else set()
        if not groups:
            continue  # a tender without codes has no vote; the next closest one gets it
        for group in groups:
            votes[group] += similarity
        voters.append(pk)
        if len(voters) == NEIGHBOURS:
            break
    if not votes:
        return InferredCpv()
    best = max(votes.values())
    kept = sorted(
        (group for group, value in votes.items() if value >= KEEP_SHARE * best),
        key=lambda group: (-votes[group], group),
    )
    return InferredCpv(codes=tuple(branch_code(group) for group in kept), neighbours=tuple(voters))


__all__ = ["InferredCpv", "infer_cpv"]
