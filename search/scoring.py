"""Text relevance of documents to a longer free text, as 0..1 (the matcher's text part).

A cosine between TF-IDF vectors of stems: the title counts three times, labels (CPV labels,
keywords, buyer) twice, the body once; term frequencies are log-scaled and inverse document
frequencies come from the documents compared, smoothed so a single document still scores. Pure
Python over ``Document`` values, so it is the same on every database.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .index_entries import Document
from .text import STOPWORDS, stem, stems

TITLE_WEIGHT = 3.0
LABELS_WEIGHT = 2.0
BODY_WEIGHT = 1.0
# Stop words as the FTS5 table holds them (stemmed).
STEMMED_STOPWORDS = frozenset(stem(word) for word in STOPWORDS)


def document_terms(document: Document) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text, weight in (
        (document.title, TITLE_WEIGHT),
        (document.labels, LABELS_WEIGHT),
        (document.body, BODY_WEIGHT),
    ):
        for term in stems(text):
            counts[term] += weight
    return counts


def stored_terms(title: str, labels: str, body: str) -> Counter[str]:
    """The weighted term counts of a document from its already stemmed fields (SQLite keeps
    them in its FTS5 table), the same as ``document_terms`` gives for the fresh text."""
    counts: Counter[str] = Counter()
    for text, weight in ((title, TITLE_WEIGHT), (labels, LABELS_WEIGHT), (body, BODY_WEIGHT)):
        for term, count in Counter(text.split()).items():
            counts[term] += weight * count
    for term in [t for t in counts if t in STEMMED_STOPWORDS or (len(t) == 1 and t.isalpha())]:
        del counts[term]
    return counts


def text_scores(text: str, documents: Iterable[Document], *, limit: int) -> dict[int, float]:
    terms = {document.object_id: document_terms(document) for document in documents}
    return score_terms(text, terms, limit=limit)


def score_terms(
    text: str, terms: Mapping[int, Counter[str]], *, total: int | None = None, limit: int
) -> dict[int, float]:
    """Cosines between ``text`` and each document's term counts, the best ``limit``."""
    query_counts = Counter(stems(text))
    overlaps = {}
    for object_id, counts in terms.items():
        shared = {term: count for term, count in counts.items() if term in query_counts}
        rest = sum(
            (1.0 + math.log(count)) ** 2
            for term, count in counts.items()
            if term not in query_counts
        )
        overlaps[object_id] = Overlap(shared, rest)
    return cosines(query_counts, overlaps, total=total, limit=limit)


@dataclass(frozen=True)
class Overlap:
    """What the cosine needs of one document: the (weighted) count of each query term it
    holds, and the sum of ``(1 + ln count)²`` over all its other terms (they all get the
    inverse document frequency of a term no other document has)."""

    shared: Mapping[str, float]
    rest: float


def cosines(
    query_counts: Mapping[str, float],
    documents: Mapping[int, Overlap],
    *,
    total: int | None = None,
    frequencies: Mapping[str, int] | None = None,
    limit: int,
) -> dict[int, float]:
    """TF-IDF cosines between a query and documents, the best ``limit``, in 0..1.

    The inverse document frequencies come from ``documents``; ``total`` says how many
    documents they were drawn from when ``documents`` holds only those that share a term with
    the query (every document holding a query term is then among them, so the frequencies are
    still exact). ``frequencies`` gives them instead when they were counted in the whole index
    and ``documents`` holds only the candidates worth scoring. Both database engines end here:
    SQLite with the words this module stems, PostgreSQL with the lexemes of its ``norwegian``
    configuration."""
    if not query_counts or not documents:
        return {}
    total = max(total or 0, len(documents))
    frequency: Counter[str] = Counter(frequencies or {})
    if frequencies is None:
        for overlap in documents.values():
            frequency.update(overlap.shared.keys())
    idf = {
        term: math.log((total + 1.0) / (frequency.get(term, 0) + 0.5)) + 1.0
        for term in query_counts
    }
    query = {term: (1.0 + math.log(count)) * idf[term] for term, count in query_counts.items()}
    query_norm = math.sqrt(sum(value * value for value in query.values()))
    rare = math.log(total + 1.0) + 1.0
    scores: dict[int, float] = {}
    for object_id, overlap in documents.items():
        if not overlap.shared:
            continue
        weights = {
            term: (1.0 + math.log(count)) * idf[term] for term, count in overlap.shared.items()
        }
        norm = math.sqrt(
            sum(value * value for value in weights.values()) + rare * rare * overlap.rest
        )
        dot = sum(value * query[term] for term, value in weights.items())
        scores[object_id] = round(min(1.0, dot / (norm * query_norm)), 6)
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return dict(best)
