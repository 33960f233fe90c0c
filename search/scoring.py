"""Text relevance of documents to a longer free text, as 0..1 (the matcher's text part).

A cosine between TF-IDF vectors of stems: the title counts three times, labels (CPV labels,
keywords, buyer) twice, the body once; term frequencies are log-scaled and inverse document
frequencies come from the documents compared, smoothed so a single document still scores. Pure
Python over ``Document`` values, so it is the same on every database.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from .documents import Document
from .text import stems

TITLE_WEIGHT = 3.0
LABELS_WEIGHT = 2.0
BODY_WEIGHT = 1.0


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


def _weights(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    return {term: (1.0 + math.log(count)) * idf[term] for term, count in counts.items()}


def text_scores(text: str, documents: Iterable[Document], *, limit: int) -> dict[int, float]:
    query_counts = Counter(stems(text))
    if not query_counts:
        return {}
    terms = {document.object_id: document_terms(document) for document in documents}
    if not terms:
        return {}
    total = len(terms)
    frequency: Counter[str] = Counter()
    for counts in terms.values():
        frequency.update(term for term in counts if term in query_counts)
    idf = {
        term: math.log((total + 1.0) / (frequency.get(term, 0) + 0.5)) + 1.0
        for term in query_counts
    }
    query = _weights(query_counts, idf)
    query_norm = math.sqrt(sum(value * value for value in query.values()))
    scores: dict[int, float] = {}
    for object_id, counts in terms.items():
        shared = [term for term in counts if term in query]
        if not shared:
            continue
        doc_idf = {term: idf.get(term, math.log(total + 1.0) + 1.0) for term in counts}
        weights = _weights(counts, doc_idf)
        norm = math.sqrt(sum(value * value for value in weights.values()))
        dot = sum(weights[term] * query[term] for term in shared)
        scores[object_id] = round(min(1.0, dot / (norm * query_norm)), 6)
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return dict(best)
