"""Retrieval quality on real notices: for each notice, query with its title and description and
measure the share of the top 10 *other* notices that share its CPV group (three digits).

Two rankers, side by side:
- the naive baseline: ``icontains`` on the query's words (a notice scores one point per word
  it contains), as a simple site search would do;
- the explained matcher, through the production code: the notice's words are the "profile" of
  a firm that has picked no CPV codes, its codes are inferred from the closest other notices
  (``matching.selectors.inference.infer_cpv``, which asks ``get_backend().text_scores``), and the
  other notices are ranked by ``matching.selectors.matches.rank_opportunities``: the weighted
  score of ``matching.scoring`` (CPV fit along the hierarchy, the backend's text relevance, area,
  size and stage, credentials), the same function that ranks a supplier's opportunities. The
  notice's own CPV codes are never shown to the matcher; they are only the answer key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matching.scoring import SupplierFacts
from matching.selectors.facts import facts_of, text_of
from matching.selectors.inference import infer_cpv
from matching.selectors.matches import rank_opportunities

TOP = 10
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)

STOPWORDS = frozenset(
    [
        "and",
        "for",
        "the",
        "with",
        "til",
        "med",
        "som",
        "det",
        "den",
        "fra",
        "eller",
        "av",
        "på",
        "ved",
        "har",
        "skal",
        "vil",
        "kan",
        "this",
        "that",
        "are",
        "will",
        "from",
        "other",
        "all",
        "any",
        "også",
        "samt",
        "under",
        "over",
        "etter",
        "inkl",
    ]
)


@dataclass(frozen=True)
class Notice:
    pk: int
    text: str
    groups: frozenset[str]  # three-digit CPV groups of its codes


@dataclass
class MatcherRun:
    rankings: list[list[int]]
    inferred: int = 0  # notices for which CPV groups could be inferred from their words
    inferred_right: int = 0  # ... whose first inferred group is one of the notice's own groups


def matcher_rankings(
    notices: Sequence[Notice], tenders: dict, *, progress: Callable[[int], None] | None = None
) -> MatcherRun:
    """Rank the other notices for each notice through the production matcher; ``tenders`` maps
    each notice's primary key to its ``Tender``."""
    facts = {notice.pk: facts_of(tenders[notice.pk]) for notice in notices}
    index = {notice.pk: i for i, notice in enumerate(notices)}
    run = MatcherRun(rankings=[])
    for count, notice in enumerate(notices, 1):
        tender = tenders[notice.pk]
        text = text_of(tender)
        inferred = infer_cpv(text, exclude=[notice.pk])
        if inferred:
            run.inferred += 1
            run.inferred_right += inferred.codes[0][:3] in notice.groups
        firm = SupplierFacts(pk=0, name="", cpv_codes=inferred.codes, nationwide=True)
        others = [(tenders[pk], facts[pk]) for pk in facts if pk != notice.pk]
        matches = rank_opportunities(firm, text, others, limit=TOP) if inferred else []
        run.rankings.append([index[match.obj.pk] for match in matches])
        if progress:
            progress(count)
    return run


def baseline_rankings(notices: Sequence[Notice], *, max_words: int = 12) -> list[list[int]]:
    lowered = [n.text.casefold() for n in notices]
    rankings = []
    for i, notice in enumerate(notices):
        words = [w for w in _WORD.findall(notice.text.casefold()) if w not in STOPWORDS]
        words = list(dict.fromkeys(words))[:max_words]
        scored = []
        for j, text in enumerate(lowered):
            if j == i:
                continue
            hits = sum(1 for w in words if w in text)
            if hits:
                scored.append((hits, j))
        scored.sort(key=lambda item: (-item[0], item[1]))
        rankings.append([j for _, j in scored[:TOP]])
    return rankings


def precision(notices: Sequence[Notice], rankings: list[list[int]]) -> float:
    """Mean share of the top ten that share a CPV group with the query (empty slots count 0)."""
    shares = []
    for i, ranked in enumerate(rankings):
        hits = sum(1 for j in ranked if notices[j].groups & notices[i].groups)
        shares.append(hits / TOP)
    return sum(shares) / len(shares) if shares else 0.0
