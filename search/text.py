"""Words for search: a Unicode tokenizer and a light Norwegian suffix stemmer.

PostgreSQL stems with its ``norwegian`` text search configuration and Elasticsearch with its
``norwegian`` analyzer; where neither runs (SQLite's FTS5 index, the matcher's text scores) this
module stems instead, the same way for the indexed text and for the query, so "fylkesveier" and
"fylkesvei" meet on every backend. The stemmer is step 1 and 2 of the Snowball Norwegian
algorithm: it strips inflection suffixes after the first syllable and leaves compounds alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_WORD = re.compile(r"\w+", re.UNICODE)
_VOWELS = frozenset("aeiouyæåø")


def _word_list(text: str) -> list[str]:
    return text.split()


# Snowball Norwegian, step 1: inflection suffixes, longest first.
_STEP1 = sorted(
    _word_list(
        "hetenes hetene hetens heter heten endes ande ende edes enes erte ede ane ene ens ers "
        "ets het ast ert en ar er as es et a e"
    ),
    key=len,
    reverse=True,
)
_S_ENDING_AFTER = frozenset("bcdfghjlmnoprtvyz")
_STEP2 = ("dt", "vt")

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


def _r1(word: str) -> int:
    """Start of the region after the first non-vowel that follows a vowel (at least 3)."""
    for index in range(1, len(word)):
        if word[index] not in _VOWELS and word[index - 1] in _VOWELS:
            return max(index + 1, 3)
    return len(word)


# Text is Zipfian: a few thousand words make up most of any corpus, so each is stemmed once.
# The bound keeps a stream of one-off words (numbers, typos) from growing the cache for ever.
@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of one lower-case word (digits and short words come back unchanged)."""
    if len(word) < 4 or word.isdigit():
        return word
    r1 = _r1(word)
    for suffix in _STEP1:
        if word.endswith(suffix) and len(word) - len(suffix) >= r1:
            word = word[: -len(suffix)]
            break
    else:
        if word.endswith("erts") and len(word) - 4 >= r1:
            word = word[:-3]
        elif (
            word.endswith("s")
            and len(word) - 1 >= r1
            and len(word) > 1
            and (word[-2] in _S_ENDING_AFTER or (word[-2] == "k" and word[-3:-2] not in _VOWELS))
        ):
            word = word[:-1]
    if word.endswith(_STEP2) and len(word) - 2 >= r1:
        word = word[:-1]
    return word


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
