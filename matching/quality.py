"""Retrieval quality on real notices: for each notice, query with its title and description and
measure the share of the top 10 *other* notices that share its CPV group (three digits), under
two answer keys: *any group* (the two notices share a group among all their codes) and *main
group* (their main codes are in the same group, as reference rankers elsewhere count).

Four rankers, side by side on the same notices:
- the naive baseline: ``icontains`` on the query's words (a notice scores one point per word
  it contains), as a simple site search would do;
- the explained matcher, through the production code: the notice's words are the "profile" of
  a firm that has picked no CPV codes, its codes are inferred from the closest other notices
  (``matching.selectors.inference.infer_cpv``, which asks ``get_backend().text_scores``), and the
  other notices are ranked by ``matching.selectors.matches.rank_opportunities``: the weighted
  score of ``matching.scoring`` (CPV fit along the hierarchy, the backend's text relevance, area,
  size and stage, credentials), the same function that ranks a supplier's opportunities. The
  notice's own CPV codes are never shown to the matcher; they are only the answer key;
- two references from a well-kept library (``rank_bm25``'s Okapi BM25, a test extra) over the
  same stemmed words (``search.text.stems``): BM25 alone (the top 10 by BM25 score), and BM25
  whose ``NEIGHBOURS`` closest notices vote the CPV groups as ``infer_cpv`` does (each neighbour
  gives its groups its score; groups with at least ``KEEP_SHARE`` of the best vote are kept),
  then ranks the notices in the best-voted kept group first, BM25 breaking ties — what a strong
  simple method gets without the rest of our score.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matching.scoring import SupplierFacts
from matching.selectors.facts import facts_of, text_of
from matching.selectors.inference import KEEP_SHARE, NEIGHBOURS, infer_cpv
from matching.selectors.matches import rank_opportunities
from search.text import stems

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
    main: str = ""  # the three-digit group of its main code ("" when it has none)

    def __post_init__(self):
        if not self.main and len(self.groups) == 1:
            object.__setattr__(self, "main", next(iter(self.groups)))


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


@dataclass
class ReferenceRun:
    """The two BM25 references, from one BM25 index over the notices."""

    bm25: list[list[int]]
    voted: list[list[int]]
    inferred: int = 0
    inferred_right: int = 0


def bm25_scores(notices: Sequence[Notice]) -> list[list[float]]:
    """Okapi BM25 (``rank_bm25``, its default k1 1.5 and b 0.75) of every notice for the query of
    every notice's stemmed words: row ``i`` holds the scores of all notices for query ``i``."""
    from rank_bm25 import BM25Okapi  # a test extra: the command says so when it is missing

    corpus = [stems(notice.text) or [""] for notice in notices]
    index = BM25Okapi(corpus)
    return [list(map(float, index.get_scores(list(dict.fromkeys(words))))) for words in corpus]


def vote_groups(neighbours: Sequence[tuple[float, frozenset[str]]]) -> dict[str, float]:
    """``infer_cpv``'s vote: each neighbour adds its score to each of its groups; the groups with
    at least ``KEEP_SHARE`` of the best vote are kept, with their votes."""
    votes: dict[str, float] = {}
    for score, groups in neighbours:
        for group in groups:
            votes[group] = votes.get(group, 0.0) + score
    if not votes:
        return {}
    best = max(votes.values())
    return {group: vote for group, vote in votes.items() if vote >= KEEP_SHARE * best}


def reference_rankings(
    notices: Sequence[Notice], scores: list[list[float]] | None = None
) -> ReferenceRun:
    """BM25 alone and BM25 with the ``NEIGHBOURS`` nearest voting the CPV groups (see the module
    docstring). A notice sharing no word with the query is never ranked."""
    scores = bm25_scores(notices) if scores is None else scores
    run = ReferenceRun(bm25=[], voted=[])
    for i, row in enumerate(scores):
        found = sorted(
            (j for j in range(len(notices)) if j != i and row[j] > 0), key=lambda j: (-row[j], j)
        )
        run.bm25.append(found[:TOP])
        votes = vote_groups([(row[j], notices[j].groups) for j in found[:NEIGHBOURS]])
        if votes:
            run.inferred += 1
            first = min(votes, key=lambda group: (-votes[group], group))
            run.inferred_right += first in notices[i].groups

        def group_vote(j: int, votes=votes) -> float:
            return max((votes.get(group, 0.0) for group in notices[j].groups), default=0.0)

        voted = sorted(found, key=lambda j: (-group_vote(j), -row[j], j)) if votes else []
        run.voted.append(voted[:TOP])
    return run


KEYS = {
    "any": "any CPV group among all codes",
    "main": "main CPV group",
}


def precision(notices: Sequence[Notice], rankings: list[list[int]], key: str = "any") -> float:
    """Mean share of the top ten that are hits for the query (empty slots count 0): under key
    ``any`` a hit shares a CPV group among all codes with it, under ``main`` its main group."""
    if key not in KEYS:
        raise ValueError(f"Unknown answer key {key!r}: one of {', '.join(KEYS)}")
    shares = []
    for i, ranked in enumerate(rankings):
        if key == "any":
            hits = sum(1 for j in ranked if notices[j].groups & notices[i].groups)
        else:
            hits = sum(1 for j in ranked if notices[i].main and notices[j].main == notices[i].main)
        shares.append(hits / TOP)
    return sum(shares) / len(shares) if shares else 0.0
