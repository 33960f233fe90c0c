"""How the best suppliers for a tender are read (issue 14): the candidate tiers widen only while
too few firms are found, the text part is the same whether the search index holds the firms or
not, and the buyer's match page only reads."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.selectors import candidates
from matching.selectors import matches as selector
from search.indexing import rebuild
from tests.factories import ListedSupplierProfileFactory, TenderFactory


def _firms(matches) -> set[int]:
    return {match.obj.pk for match in matches}


def test_the_net_widens_only_while_too_few_published_firms_are_found(cpv, monkeypatch):
    # given two firms under the tender's own code, one of them unlisted, and a firm that only
    # shares the CPV division
    tender = TenderFactory(published=True, main_cpv=cpv["72212000"])
    exact = ListedSupplierProfileFactory(cpv_codes=[cpv["72212000"]])
    broader = ListedSupplierProfileFactory(cpv_codes=[cpv["72000000"]])  # holds 72212000
    ListedSupplierProfileFactory(cpv_codes=[cpv["72212000"]], is_published=False)
    division = ListedSupplierProfileFactory(cpv_codes=[cpv["72500000"]])
    # when two firms are enough, the two published firms of the narrowest tier are all
    monkeypatch.setattr(candidates, "WIDE_ENOUGH", 2)
    assert _firms(selector.suppliers_for(tender)) == {exact.pk, broader.pk}
    # then with three wanted (the unlisted firm does not count), the division is read too
    monkeypatch.setattr(candidates, "WIDE_ENOUGH", 3)
    assert _firms(selector.suppliers_for(tender)) == {exact.pk, broader.pk, division.pk}


def _explained(tender) -> list[tuple[int, float, dict, str]]:
    return [
        (m.obj.pk, m.total, dict(m.score.parts), m.score.explanation("en"))
        for m in selector.suppliers_for(tender)
    ]


def test_the_text_part_is_the_same_whether_the_index_holds_the_firms_or_not(cpv, places):
    # given firms that describe the tender's work in different words, not indexed yet
    tender = TenderFactory(
        published=True,
        main_cpv=cpv["72212000"],
        title="Ny app for skoleskyss",
        description="Vi trenger en app som viser skoleskyss i sanntid.",
    )
    for text in (
        "Vi lager apper for skoleskyss og kollektivtrafikk.",
        "Vi utvikler programvare.",
        "Sanntid, app og skyss er det vi kan best.",
    ):
        ListedSupplierProfileFactory(cpv_codes=[cpv["72212000"]], description_nb=text)
    with CaptureQueriesContext(connection) as unindexed_queries:
        unindexed = _explained(tender)
    # when the index is built
    assert rebuild("supplier") == 3
    with CaptureQueriesContext(connection) as indexed_queries:
        indexed = _explained(tender)
    # then every firm has the same score, parts and words, read in as many queries
    assert indexed == unindexed
    assert any(parts["text"] > 0 for _pk, _total, parts, _words in indexed)
    assert len(indexed_queries) == len(unindexed_queries)


def test_the_match_page_never_writes_the_search_index(buyer, buyer_unit, buyer_client, cpv):
    # given the buyer's published tender and firms the search index does not hold yet
    tender = TenderFactory(buyer=buyer, unit=buyer_unit, published=True, main_cpv=cpv["72212000"])
    for _ in range(3):
        ListedSupplierProfileFactory(cpv_codes=[cpv["72212000"]], description_nb="Apper.")
    url = reverse("matching:tender_suppliers", kwargs={"reference": tender.reference})
    # when the buyer opens the match page
    with CaptureQueriesContext(connection) as queries:
        response = buyer_client.get(url)
    # then the firms are shown, scored from their fresh rows, and nothing wrote index rows
    assert response.status_code == 200
    assert len(response.context["matches"]) == 3
    written = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE", "COPY"}
        and "search_" in query["sql"]
    ]
    assert written == []


def _facts_by_the_orm(profile):
    """The scorer's facts of ``profile``, read through the ORM's relations one by one (the
    reference the one-statement read is held to)."""
    from matching.scoring import SupplierFacts

    return SupplierFacts(
        pk=profile.pk,
        name=profile.organisation.name,
        cpv_codes=tuple(sorted(profile.cpv_codes.values_list("pk", flat=True))),
        nationwide=profile.delivers_nationwide,
        municipalities=frozenset(profile.delivery_municipalities.values_list("number", flat=True)),
        counties=frozenset(profile.delivery_counties.values_list("number", flat=True)),
        home_municipality=profile.municipality.number if profile.municipality else "",
        sme_category=profile.sme_category,
        stage=profile.stage,
        trl=profile.technology_readiness_level,
        open_to_pilots=profile.open_to_pilots,
        public_references=profile.references.filter(public_sector=True).count(),
        certifications=frozenset(profile.certifications.values_list("slug", flat=True)),
    )


def test_the_shortlist_read_gives_the_facts_and_profiles_the_orm_gives(
    cpv, django_assert_num_queries
):
    # given firms with every fact the scorer reads: codes, home and delivery places, counties,
    # nationwide, certifications, public and private references, size, stage, TRL, pilots,
    # a verified and an unverified organisation, and one without any of it
    from django.utils import timezone

    from marketplace.models import Certification, SupplierProfile
    from matching.selectors.facts import supplier_profiles_with_facts
    from tests.factories import municipality
    from tests.factories.profiles import SupplierReferenceFactory

    oslo = municipality("0301", "Oslo", county_number="03", county_name="Oslo")
    bergen = municipality("4601", "Bergen", county_number="46", county_name="Vestland")
    iso, _ = Certification.objects.get_or_create(
        slug="iso-9001", defaults={"name_nb": "ISO 9001", "name_en": "ISO 9001"}
    )
    full = ListedSupplierProfileFactory(
        cpv_codes=[cpv["72212000"], cpv["72000000"]],
        municipality=oslo,
        delivers_nationwide=True,
        delivery_municipalities=[oslo, bergen],
        delivery_counties=[bergen.county],
        certifications=[iso],
        employee_band="1-9",
        stage="startup",
        technology_readiness_level=6,
        open_to_pilots=True,
    )
    full.organisation.verified_at = timezone.now()
    full.organisation.save()
    SupplierReferenceFactory(profile=full, public_sector=True)
    SupplierReferenceFactory(profile=full, public_sector=True)
    SupplierReferenceFactory(profile=full, public_sector=False)
    bare = ListedSupplierProfileFactory(cpv_codes=[])
    ids = [full.pk, bare.pk]
    # when the shortlist is read in one query
    with django_assert_num_queries(1):
        facts, profiles = supplier_profiles_with_facts(ids)
    # then the facts are those of the ORM's reading, and the profiles shown hold the same
    # values as the ORM's, with no query for what the page shows
    assert facts == {pk: _facts_by_the_orm(SupplierProfile.objects.get(pk=pk)) for pk in ids}
    assert facts[full.pk].public_references == 2
    assert facts[full.pk].certifications == frozenset({"iso-9001"})
    for pk in ids:
        expected = SupplierProfile.objects.select_related("organisation").get(pk=pk)
        with django_assert_num_queries(0):
            shown = profiles[pk]
            values = (
                shown.pk,
                shown.is_published,
                shown.delivers_nationwide,
                shown.sme_category,
                shown.stage,
                shown.technology_readiness_level,
                shown.open_to_pilots,
                shown.municipality_id,
                shown.organisation.pk,
                shown.organisation.kind,
                shown.organisation.name,
                shown.organisation.slug,
                shown.organisation.verified_at,
            )
        assert values == (
            expected.pk,
            expected.is_published,
            expected.delivers_nationwide,
            expected.sme_category,
            expected.stage,
            expected.technology_readiness_level,
            expected.open_to_pilots,
            expected.municipality_id,
            expected.organisation.pk,
            expected.organisation.kind,
            expected.organisation.name,
            expected.organisation.slug,
            expected.organisation.verified_at,
        )
    assert supplier_profiles_with_facts([]) == ({}, {})
