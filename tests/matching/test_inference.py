"""CPV codes inferred from words: a need, tender or profile without codes still finds its
matches through the codes of the closest tenders, and the pages say which groups were used."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.selectors.facts import text_of
from matching.selectors.inference import infer_cpv
from matching.selectors.matches import opportunities_for, suppliers_for
from tests.factories import ListedSupplierProfileFactory, NeedFactory, TenderFactory, cpv_code


@pytest.fixture
def road_tenders(cpv):
    """Two open road-maintenance tenders (CPV group 452) and one software tender (722)."""
    return (
        TenderFactory(
            published=True,
            main_cpv=cpv["45233141"],
            title="Vedlikehold av fylkesveier i Asker",
            description="Asfaltering og vedlikehold av fylkesvei og gang- og sykkelveier.",
        ),
        TenderFactory(
            published=True,
            main_cpv=cpv["45233141"],
            title="Vedlikehold av kommunale veier",
            description="Lapping av hull og asfaltering av veier.",
        ),
        TenderFactory(
            published=True,
            main_cpv=cpv["72212000"],
            title="Ny app for skoleskyss",
            description="Programvare for bestilling av skoleskyss.",
        ),
    )


def test_the_closest_tenders_vote_for_their_cpv_group(road_tenders):
    first, second, _software = road_tenders

    inferred = infer_cpv("Vi trenger asfaltering og vedlikehold av veiene våre")

    assert inferred.codes == ("45200000",)
    assert set(inferred.neighbours) == {first.pk, second.pk}


def test_a_tender_does_not_vote_for_itself_when_excluded(road_tenders):
    first, second, _software = road_tenders

    inferred = infer_cpv(text_of(first), exclude=[first.pk])

    assert first.pk not in inferred.neighbours
    assert second.pk in inferred.neighbours


def test_a_tender_without_codes_has_no_vote(cpv, road_tenders):
    TenderFactory(published=True, main_cpv=None, title="Vedlikehold av veier og asfaltering")

    inferred = infer_cpv("asfaltering og vedlikehold av veier")

    assert inferred.codes == ("45200000",)
    assert len(inferred.neighbours) == 2


@pytest.mark.parametrize("text", ["", "og i på av", "kvantedatamaskiner"])
def test_no_shared_meaningful_word_infers_nothing(road_tenders, text):
    inferred = infer_cpv(text)

    assert not inferred
    assert inferred.codes == ()


def test_a_need_without_codes_finds_suppliers_of_the_inferred_group(cpv, road_tenders):
    # given a road firm, a software firm, and a need described in words only
    roads = ListedSupplierProfileFactory(cpv_codes=[cpv["45233141"]])
    ListedSupplierProfileFactory(cpv_codes=[cpv["72212000"]])
    need = NeedFactory(
        open=True,
        title="Bedre vedlikehold av veiene",
        problem="Hullene i veiene kommer tilbake; vi trenger ny asfaltering.",
    )
    assert not need.cpv_codes.exists()
    # when the buyer asks for suppliers
    matches = suppliers_for(need)
    # then the road firm is found through group 452, and the result says the codes were inferred
    assert [match.obj for match in matches] == [roads]
    assert matches.inferred.codes == ("45200000",)
    assert matches[0].score.explanation("en").startswith("Shares CPV group 452")


def test_a_profile_without_codes_sees_the_tenders_of_the_inferred_group(supplier, road_tenders):
    first, second, _software = road_tenders
    profile = ListedSupplierProfileFactory(
        organisation=supplier,
        cpv_codes=[],
        description_nb="Vi driver med vedlikehold og asfaltering av veier og fortau.",
        description_en="",
    )

    matches = opportunities_for(profile)

    assert {match.obj for match in matches} == {first, second}
    assert matches.inferred.codes == ("45200000",)


def test_codes_of_its_own_are_used_as_they_are(startup_profile, cpv, road_tenders):
    matches = opportunities_for(startup_profile)  # registered under 72000000

    assert [match.obj.title for match in matches] == ["Ny app for skoleskyss"]
    assert not matches.inferred


def test_the_opportunities_page_says_which_groups_were_inferred(
    supplier_client, supplier, road_tenders, cpv
):
    cpv_code(
        "45200000",
        name_nb="Arbeid på bygninger og anlegg",
        name_en="Works for complete or part construction",
    )
    ListedSupplierProfileFactory(
        organisation=supplier,
        cpv_codes=[],
        description_nb="Vi driver med vedlikehold og asfaltering av veier.",
        description_en="",
    )

    html = supplier_client.get(reverse("matching:opportunities")).content.decode()

    assert 'data-testid="inferred-cpv"' in html
    assert "Ingen CPV-koder er valgt" in html
    assert "45200000 — Arbeid på bygninger og anlegg" in html
    assert "Vedlikehold av fylkesveier i Asker" in html


def test_a_profile_with_codes_sees_no_inference_note(
    supplier_client, startup_profile, road_tenders
):
    html = supplier_client.get(reverse("matching:opportunities")).content.decode()

    assert "Ny app for skoleskyss" in html
    assert 'data-testid="inferred-cpv"' not in html


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("(" * 10_000, ()),
        ('"asfaltering" AND veier OR NOT "', ("45200000",)),
        ("veier:* & asfaltering | !bro <-> 'o''brien' \\ \\\\", ("45200000",)),
        ("asfaltering " * 2_000, ("45200000",)),
        ("Brøyting\x00av veier", ("45200000",)),
    ],
)
def test_odd_text_is_read_as_words(road_tenders, text, codes):
    assert infer_cpv(text).codes == codes
