"""The matcher's text part: how well documents of a kind match a longer free text."""

from __future__ import annotations

import pytest
from django.db import connection

from search.backends import db_fulltext
from search.backends.database import DatabaseBackend
from search.backends.db_fulltext import _rarest
from search.indexing import index_object
from search.text import stem, stems
from tests.factories import (
    ListedSupplierProfileFactory,
    NeedFactory,
    SupplierFactory,
    TenderFactory,
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("fylkesveier", "fylkesvei"),
        ("fylkesveien", "fylkesvei"),
        ("fylkesvei", "fylkesvei"),
        ("løsninger", "løsning"),
        ("tjenester", "tjenest"),
        ("tjeneste", "tjenest"),
        ("2026", "2026"),
    ],
)
def test_the_snowball_norwegian_stemmer_meets_inflected_forms(word, expected):
    assert stem(word) == expected


def test_stems_drop_stop_words_and_single_letters():
    assert stems("Brøyting av fylkesveier og i x") == ["brøyting", "fylkesvei"]


@pytest.mark.django_db
def test_supplier_text_scores_rank_the_firm_that_shares_words_first():
    # given
    road = ListedSupplierProfileFactory(
        organisation=SupplierFactory(name="Vegdrift AS"),
        description_nb="Vi brøyter fylkesveier og kommunale veier hele vinteren.",
        description_en="",
    )
    software = ListedSupplierProfileFactory(
        organisation=SupplierFactory(name="Kode AS"),
        description_nb="Programvareutvikling og skytjenester.",
        description_en="",
    )
    # when
    scores = DatabaseBackend().text_scores("supplier", "Brøyting av fylkesvei i Asker")
    # then
    assert set(scores) == {road.pk}
    assert 0 < scores[road.pk] <= 1
    assert software.pk not in scores


@pytest.mark.django_db
def test_text_scores_are_limited_to_among_and_to_limit():
    first = TenderFactory(published=True, title="Brøyting av fylkesvei nord")
    second = TenderFactory(published=True, title="Brøyting av fylkesvei sør")
    third = TenderFactory(published=True, title="Brøyting av fylkesveier i vest")

    backend = DatabaseBackend()
    assert set(backend.text_scores("tender", "fylkesvei", among=[first.pk, third.pk])) == {
        first.pk,
        third.pk,
    }
    assert len(backend.text_scores("tender", "fylkesvei brøyting", limit=2)) == 2
    assert second.pk in backend.text_scores("tender", "fylkesvei")


@pytest.mark.django_db
def test_text_scores_favour_title_words_and_read_needs():
    title_hit = NeedFactory(
        open=True, title="Sensorer for luftkvalitet", problem="Vi trenger data."
    )
    body_hit = NeedFactory(
        open=True, title="Bedre data", problem="Vi vil måle luftkvalitet med sensorer ved skolene."
    )

    scores = DatabaseBackend().text_scores("need", "sensorer luftkvalitet")

    assert scores[title_hit.pk] > scores[body_hit.pk]


@pytest.mark.django_db
def test_drafts_are_left_out_unless_asked_for_by_id():
    draft = TenderFactory(title="Brøyting av fylkesvei")

    backend = DatabaseBackend()
    assert backend.text_scores("tender", "fylkesvei") == {}
    assert draft.pk in backend.text_scores("tender", "fylkesvei", among=[draft.pk])


@pytest.mark.django_db
def test_empty_or_stop_word_text_scores_nothing():
    ListedSupplierProfileFactory()
    assert DatabaseBackend().text_scores("supplier", "og i på (((") == {}


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        DatabaseBackend().text_scores("bid", "x")


def test_the_rarest_lexemes_are_kept_within_the_budget():
    frequencies = {"kvalitet": 900, "bro": 40, "betong": 70, "vei": 300}
    assert _rarest(frequencies, 120) == ["bro", "betong"]
    assert _rarest(frequencies, 10) == ["bro"]  # at least one, even over the budget


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the narrowing is PostgreSQL's")
def test_over_the_candidate_budget_only_documents_with_rare_words_are_scored(monkeypatch):
    # given four indexed tenders that share a common word, one of which also has rare ones
    rare = TenderFactory(published=True, title="Rehabilitering av bro", description="Veiarbeid.")
    common = [
        TenderFactory(published=True, title=f"Veiarbeid {n}", description="Veiarbeid i kommunen.")
        for n in range(3)
    ]
    for tender in (rare, *common):
        index_object("tender", tender.pk)
    backend = DatabaseBackend()
    everything = backend.text_scores("tender", "rehabilitering av bro og veiarbeid")
    assert set(everything) == {rare.pk, *(t.pk for t in common)}
    # when the budget is smaller than the common word's documents
    monkeypatch.setattr(db_fulltext, "TEXT_CANDIDATES", 2)
    narrowed = backend.text_scores("tender", "rehabilitering av bro og veiarbeid")
    # then only the document with the rare word is scored, on the same scale as before
    assert narrowed == {rare.pk: pytest.approx(everything[rare.pk], abs=1e-6)}
