"""Words for search: a Unicode tokenizer and the Snowball Norwegian stemmer.

PostgreSQL stems with its ``norwegian`` text search configuration and Elasticsearch with its
``norwegian`` analyzer; where neither runs (SQLite's FTS5 index, the matcher's text scores) this
module stems instead, the same way for the indexed text and for the query, so "fylkesveier" and
"fylkesvei" meet on every backend. The stemmer is Snowball's Norwegian algorithm from the
``snowballstemmer`` package, pinned at the Snowball release our PostgreSQL (15) compiles in
(2.2), so a word gets the stem ``ts_lexize('norwegian_stem', word)`` gives it: all 12,061 words of
the real Doffin notices alike, and ``tests/search/test_text_stemmer.py`` checks it on PostgreSQL.
Snowball 3 (snowballstemmer and PyStemmer 3.x) keeps "-ers" ("servers"): move the pin when the
PostgreSQL we run moves to it (that test fails then). What is ours stays here: the tokenizer,
the stop words (Bokmål and English) and leaving numbers whole.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

# The algorithm's class itself: ``snowballstemmer.stemmer("norwegian")`` hands the work to
# PyStemmer whenever that is installed, whose Snowball release may not be PostgreSQL's.
from snowballstemmer.norwegian_stemmer import NorwegianStemmer

_WORD = re.compile(r"\w+", re.UNICODE)
_STEMMER = NorwegianStemmer()
_STEMMER_LOCK = threading.Lock()  # a Snowball stemmer keeps its word in itself while it works


def _word_list(text: str) -> list[str]:
    return text.split()


# Words too common to tell documents apart, Bokmål and English.
STOPWORDS = frozenset(
    _word_list(
        "og i på til av for med som er en et ei den det de at fra om har kan skal vil ved "
        "eller men ikke vi du jeg seg sin sitt sine deres dere oss våre vår vårt alle andre "
        "etter over under mot hos inn ut opp nå så da der her hva hvor når blir ble være vært "
        "the a an and or of to in on for with by from as at is are be this that these those "
        "it its we our you your their not no all any can will"
    )
)


# Text is Zipfian: a few thousand words make up most of any corpus, so each is stemmed once.
# The bound keeps a stream of one-off words (numbers, typos) from growing the cache for ever.
@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of one lower-case word (digits come back unchanged, as PostgreSQL's parser
    keeps numbers whole)."""
    if word.isdigit():
        return word
    with _STEMMER_LOCK:
        return _STEMMER.stemWord(word)


def words(text: str) -> list[str]:
    """The lower-case words of ``text``, in order."""
    return _WORD.findall((text or "").lower())


def is_searchable(word: str) -> bool:
    """Whether a search looks for this (lower-case) word: not a stop word, not a single
    letter, and holding a letter or digit ("_" alone is a word to the tokenizer, not to us)."""
    return (
        word not in STOPWORDS
        and not (len(word) == 1 and word.isalpha())
        and any(char.isalnum() for char in word)
    )


def searchable_words(text: str) -> list[str]:
    """The words of ``text`` a search looks for, in order (see ``is_searchable``)."""
    return [word for word in words(text) if is_searchable(word)]


def stems(text: str, *, drop_stopwords: bool = True) -> list[str]:
    """The stems of the words of ``text``, in order, without stop words."""
    return [
        stem(word)
        for word in words(text)
        if not (drop_stopwords and word in STOPWORDS) and not (len(word) == 1 and word.isalpha())
    ]


def stemmed_text(parts: Iterable[str]) -> str:
    """Text for an FTS index that does not stem: each word replaced by its stem."""
    return " ".join(stem(word) for part in parts for word in words(part))
