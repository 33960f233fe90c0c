"""The contract every search backend keeps, run against each one that is available.

In the style of Wagtail's search backend tests: one set of tests, a ``backend`` fixture
parametrised over the database backend (always; PostgreSQL full text or SQLite FTS5 by the test
database) and Elasticsearch (where ELASTICSEARCH_URL is set). Documents get into the index only
through the backend's own ``rebuild``/``index_documents``.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from search import index_entries as docs
from search.backends.base import SearchBackend, SiteResults
from search.queries import SiteQuery
from tests.factories import (
    ListedSupplierProfileFactory,
    NeedFactory,
    SupplierFactory,
    TenderFactory,
    cpv_code,
    municipality,
)

ABSURD = [
    '"',
    '"""',
    "((((((((((" * 1000,
    ")" * 200,
    "fylkesvei AND OR NOT",
    "fylkesvei -brøyting +vei | ~ * ^2",
    "NEAR(a b) title:x body:* {} [] <>",
    "'; DROP TABLE search_searchdocument; --",
    "x" * 2000,
    "\x00\x01 \u200b \ufeff",
    "æøå ÆØÅ 🙂",
    "    ",
    "*",
    "^",
    "a:",
]


def _index(backend, kinds=docs.Kind.ALL):
    for kind in kinds:
        backend.rebuild(kind, docs.documents(kind))


def _titles(results: SiteResults) -> list[str]:
    return [hit.title for hit in results.hits]


@pytest.fixture
def corpus(db):
    """A small county: tenders own and imported, a need, suppliers, across CPV and places."""
    roads = cpv_code("45233141", "Road-maintenance works", "Vedlikehold av veier")
    software = cpv_code("72212000", "Programming services of application software", "Programmering")
    asker = municipality("3203", "Asker")
    halden = municipality("3101", "Halden", county_number="31", county_name="Østfold")
    now = timezone.now()
    plowing = TenderFactory(
        published=True,
        title="Brøyting av fylkesvei",
        description="<p>Vinterdrift av vegnettet i Asker &amp; Bærum: a &lt; b.</p>",
        main_cpv=roads,
        municipalities=[asker],
        published_at=now - datetime.timedelta(days=3),
    )
    TenderFactory(
        external=True,
        title="Skoleskyss og kjøring",
        description="Transport av elever til fylkesveiene langs kysten.",
        main_cpv=roads,
        municipalities=[halden],
        published_at=now - datetime.timedelta(days=1),
    )
    TenderFactory(
        published=True,
        title="Programvare for timeplaner",
        description="Skytjeneste for skoler.",
        main_cpv=software,
        published_at=now - datetime.timedelta(days=2),
    )
    TenderFactory(title="Hemmelig utkast om fylkesvei")  # a draft: never indexed
    need = NeedFactory(
        open=True,
        title="Sensorer for glatte veier",
        problem="Vi vil varsle glatte fylkesveier før ulykker skjer.",
    )
    need.cpv_codes.set([roads])
    ListedSupplierProfileFactory(
        organisation=SupplierFactory(name="Vinterveg AS"),
        description_nb="Vi brøyter og strør kommunale veier.",
        description_en="Snow clearing and gritting of roads.",
        cpv_codes=[roads],
    )
    return {"plowing": plowing, "need": need, "roads": roads, "software": software}


def test_backend_implements_the_protocol(backend):
    assert isinstance(backend, SearchBackend)
    assert backend.status().ok


def test_norwegian_stemming_finds_the_singular_from_the_plural(backend, corpus):
    _index(backend)

    results = backend.search(SiteQuery("fylkesveier", kinds=["tender"]))

    assert "Brøyting av fylkesvei" in _titles(results)
    assert "Hemmelig utkast om fylkesvei" not in _titles(results)


def test_a_typo_still_finds_the_tender(backend, corpus):
    _index(backend)

    results = backend.search(SiteQuery("brøytnig"))

    assert _titles(results)[:1] == ["Brøyting av fylkesvei"]


def test_title_matches_rank_before_body_matches(backend, corpus):
    _index(backend)

    results = backend.search(SiteQuery("fylkesvei", kinds=["tender"]))

    assert _titles(results) == ["Brøyting av fylkesvei", "Skoleskyss og kjøring"]


def test_every_kind_is_searched_and_counted(backend, corpus):
    _index(backend)

    results = backend.search(SiteQuery("veier"))

    kinds = {facet.value: facet.count for facet in results.facets["kind"]}
    assert kinds.get("need") == 1
    assert kinds.get("supplier") == 1
    assert {hit.kind for hit in results.hits} >= {"need", "supplier"}


def test_facet_filters_narrow_hits_but_not_their_own_counts(backend, corpus):
    _index(backend)

    everything = backend.search(SiteQuery(""))
    tenders = backend.search(SiteQuery("", kinds=["tender"]))

    assert {hit.kind for hit in tenders.hits} == {"tender"}
    assert tenders.total == 3
    assert tenders.facets["kind"] == everything.facets["kind"]
    sources = {facet.value: facet.count for facet in tenders.facets["source"]}
    assert sources == {"own": 2, "doffin": 1}
    divisions = {facet.value: facet.count for facet in tenders.facets["cpv_division"]}
    assert divisions == {"45": 2, "72": 1}


def test_place_and_cpv_facets_filter(backend, corpus):
    _index(backend)

    in_akershus = backend.search(SiteQuery("", kinds=["tender"], counties=["32"]))
    software = backend.search(SiteQuery("", cpv_divisions=["72"]))

    assert _titles(in_akershus) == ["Brøyting av fylkesvei"]
    assert _titles(software) == ["Programvare for timeplaner"]


def test_doffin_tenders_are_found_and_filtered_by_source(backend, corpus):
    _index(backend)

    results = backend.search(SiteQuery("skoleskyss", sources=["doffin"]))

    assert _titles(results) == ["Skoleskyss og kjøring"]
    assert results.hits[0].source == "doffin"


def test_highlights_mark_matched_words_and_escape_the_rest(backend, corpus):
    _index(backend)

    hit = backend.search(SiteQuery("vinterdrift", kinds=["tender"])).hits[0]

    assert "<mark>Vinterdrift</mark>" in hit.highlight
    assert "&amp;" in hit.highlight
    assert "&lt; b" in hit.highlight
    assert "<p>" not in hit.highlight


def test_an_empty_query_lists_newest_first_and_pages(backend, corpus):
    _index(backend, kinds=[docs.Kind.TENDER])

    first = backend.search(SiteQuery("", kinds=["tender"], per_page=2))
    second = backend.search(SiteQuery("", kinds=["tender"], per_page=2, page=2))

    assert _titles(first) == ["Skoleskyss og kjøring", "Programvare for timeplaner"]
    assert _titles(second) == ["Brøyting av fylkesvei"]
    assert first.total == second.total == 3
    assert first.num_pages == 2


@pytest.mark.parametrize("text", ABSURD, ids=range(len(ABSURD)))
def test_absurd_input_never_raises(backend, corpus, text):
    _index(backend, kinds=[docs.Kind.TENDER])

    results = backend.search(SiteQuery(text))

    assert isinstance(results, SiteResults)
    assert results.total >= 0


def test_removed_documents_are_no_longer_found(backend, corpus):
    _index(backend)

    removed = backend.remove_documents("tender", [corpus["plowing"].pk, 999_999])

    assert removed >= 1
    assert "Brøyting av fylkesvei" not in _titles(backend.search(SiteQuery("brøyting")))


def test_reindexing_replaces_a_document(backend, corpus):
    _index(backend)
    tender = corpus["plowing"]
    tender.title = "Strøing av gang- og sykkelveier"
    tender.save()

    backend.index_documents(list(docs.documents("tender", [tender.pk])))

    assert _titles(backend.search(SiteQuery("strøing"))) == ["Strøing av gang- og sykkelveier"]
    assert "Brøyting av fylkesvei" not in _titles(backend.search(SiteQuery("brøyting")))


def test_a_rebuild_replaces_everything_of_its_kind(backend, corpus):
    _index(backend)
    corpus["plowing"].delete()

    backend.rebuild("tender", docs.documents("tender"))

    assert backend.search(SiteQuery("", kinds=["tender"])).total == 2
    assert backend.search(SiteQuery("", kinds=["need"])).total == 1


def test_text_scores_rank_by_shared_words(backend, corpus):
    _index(backend)
    tender_ids = [t.pk for t in corpus["plowing"].__class__.objects.public()]

    scores = backend.text_scores(
        "tender", "Vi brøyter fylkesveier om vinteren", among=tender_ids, limit=10
    )

    assert max(scores, key=scores.get) == corpus["plowing"].pk
    assert all(0 < score <= 1 for score in scores.values())
    software = corpus["plowing"].__class__.objects.get(title="Programvare for timeplaner")
    assert software.pk not in scores
