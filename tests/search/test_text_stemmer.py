"""Our stems are PostgreSQL's: SQLite's FTS5 index and the matcher stem with Snowball Norwegian
as PostgreSQL's ``norwegian`` configuration does (``search/text.py``)."""

from __future__ import annotations

import pytest
from django.db import connection

from search.text import stem, stemmed_text, stems

# Recorded from PostgreSQL 15's ts_lexize('norwegian_stem', word); the test below asks it again.
POSTGRES_STEMS = {
    "anskaffelse": "anskaff",
    "anskaffelsen": "anskaff",
    "anskaffelser": "anskaff",
    "beskrivelse": "beskriv",
    "mulighet": "mul",
    "varighet": "var",
    "estimert": "estimer",
    "servers": "serv",
    "fylkesveier": "fylkesvei",
    "fylkesveiene": "fylkesvei",
    "løsningene": "løsning",
    "tjenestene": "tjenest",
    "brøytingen": "brøyting",
    "byggesaker": "byggesak",
    "avfallsbeholdere": "avfallsbeholder",
    "kommunenes": "kommun",
    "helsetjenestens": "helsetjenest",
    "skoleskyss": "skoleskyss",
    "sykkelveier": "sykkelvei",
    "programvareutvikling": "programvareutvikling",
    "leverandørene": "leverandør",
    "bærekraftige": "bærekraft",
    "rammeavtalen": "rammeavtal",
    "hetens": "het",
    "ærlig": "ærl",
    "øyene": "øyen",
    "ås": "ås",
    "x": "x",
    "2026": "2026",
}


@pytest.mark.parametrize(("word", "expected"), sorted(POSTGRES_STEMS.items()))
def test_a_word_gets_the_stem_postgresql_recorded(word, expected):
    assert stem(word) == expected


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="asks PostgreSQL's stemmer")
def test_our_stem_equals_postgresql_ts_lexize_for_every_word():
    # given: the words above and more inflections; PostgreSQL's answer is asked now, not recorded
    words = [
        *POSTGRES_STEMS,
        "filters",
        "receivers",
        "tvers",
        "heter",
        "hetene",
        "endes",
        "sykkelveiens",
        "oppmerkingen",
        "renovasjonstjenester",
        "vinterdriften",
        "kommunale",
        "skolenes",
        "prosjektert",
        "bevegelse",
        "kjøretøyene",
        "utstyrets",
        "rådgivningstjenester",
        "ærbødigst",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, ts_lexize('norwegian_stem', w) FROM unnest(%s::text[]) AS w", [words]
        )
        lexemes = dict(cursor.fetchall())
    # when / then (a stop word has no lexeme: PostgreSQL drops it, our stop list decides ours)
    mismatches = {
        word: (stem(word), lexemes[word][0])
        for word in words
        if lexemes[word] and stem(word) != lexemes[word][0]
    }
    assert mismatches == {}
    assert sum(1 for word in words if lexemes[word]) == len(words)


def test_index_and_query_meet_on_the_same_stems():
    # the FTS5 table holds stemmed_text of the document; a query looks for stems of its words
    indexed = set(
        stemmed_text(["Anskaffelse av renovasjonstjenester for kommunenes skoler"]).split()
    )

    assert set(stems("anskaffelsen renovasjonstjenestene kommune skolene")) <= indexed
