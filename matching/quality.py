"""Retrieval quality on real notices: for each notice, query with its title and description and
measure the share of the top 10 *other* notices that share its CPV group (three digits).

Two rankers, side by side:
- the naive baseline: ``icontains`` on the query's words (a notice scores one point per word
  it contains), as a simple site search would do;
- the explained matcher: text relevance (TF-IDF over stemmed words, the same weighting a
  full-text index gives) plus the CPV part of ``matching.scoring``: the groups of the closest
  notices vote for the CPV group the query is about, and notices in that group gain
  ``WEIGHTS["cpv"]`` — the explanation says "Shares CPV group 722 with the closest notices".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from matching.scoring import WEIGHTS

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
FEEDBACK = 5  # neighbours whose CPV groups vote


@dataclass(frozen=True)
class Notice:
    pk: int
    text: str
    groups: frozenset[str]  # three-digit CPV groups of its codes


def stem(word: str) -> str:
    """A crude stem for Norwegian and English: the first six letters."""
    return word[:6]


def terms(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.casefold()) if w not in STOPWORDS]


def _vectors(notices: Sequence[Notice]) -> list[dict[str, float]]:
    counts = [Counter(terms(n.text)) for n in notices]
    df: Counter = Counter()
    for c in counts:
        df.update(c.keys())
    total = len(notices)
    vectors = []
    for c in counts:
        vec = {t: (1 + math.log(tf)) * math.log(1 + total / df[t]) for t, tf in c.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def matcher_rankings(notices: Sequence[Notice]) -> list[list[int]]:
    vectors = _vectors(notices)
    rankings = []
    for i, query in enumerate(vectors):
        text = [(_cosine(query, vectors[j]), j) for j in range(len(notices)) if j != i]
        text.sort(key=lambda item: (-item[0], item[1]))
        votes: Counter = Counter()
        for similarity, j in text[:FEEDBACK]:
            for group in notices[j].groups:
                votes[group] += similarity
        best = max(votes.values(), default=0.0)
        wanted = {g: v / best for g, v in votes.items()} if best else {}
        scored = []
        for similarity, j in text:
            cpv = max((wanted.get(g, 0.0) for g in notices[j].groups), default=0.0)
            scored.append((WEIGHTS["text"] * similarity + WEIGHTS["cpv"] * cpv * similarity, j))
        scored.sort(key=lambda item: (-item[0], item[1]))
        rankings.append([j for score, j in scored[:TOP] if score > 0])
    return rankings


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
