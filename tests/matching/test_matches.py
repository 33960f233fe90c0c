"""Two-way matching on the database: the best suppliers for a tender, and opportunities for a
supplier, explained."""

from __future__ import annotations

from django.utils import translation

from matching.selectors.matches import explain, opportunities_for, suppliers_for
from tests.factories import (
    ListedSupplierProfileFactory,
    LotFactory,
    NeedFactory,
    TenderFactory,
)


def test_a_supplier_under_72000000_sees_an_open_tender_under_72212000(startup_profile, cpv):
    # given an open tender under 72212000 and one in another branch
    tender = TenderFactory(published=True, main_cpv=cpv["72212000"], title="Ny app for skoleskyss")
    TenderFactory(published=True, main_cpv=cpv["45233141"], title="Vedlikehold av fylkesvei")
    # when the supplier asks for its opportunities
    matches = opportunities_for(startup_profile)
    # then the tender is among them, explained by the shared CPV group
    assert [m.obj for m in matches] == [tender]
    explanation = matches[0].score.explanation("en")
    assert explanation.startswith(
        "Shares CPV group 722 — Software programming and consultancy services"
    )
    assert matches[0].score.parts["cpv"] > 0


def test_drafts_closed_and_past_deadline_tenders_are_not_opportunities(startup_profile, cpv):
    TenderFactory(main_cpv=cpv["72212000"])  # draft
    TenderFactory(closed=True, main_cpv=cpv["72212000"])
    assert opportunities_for(startup_profile) == []


def test_lots_and_needs_are_opportunities_too(startup_profile, cpv, places):
    tender = TenderFactory(published=True, main_cpv=cpv["72212000"])
    lot = LotFactory(
        tender=tender,
        number=1,
        cpv_codes=[cpv["72212000"]],
        municipalities=[places["baerum"]],
        suitable_for_smb=True,
    )
    LotFactory(tender=tender, number=2, cpv_codes=[cpv["90000000"]])
    need = NeedFactory(open=True)
    need.cpv_codes.set([cpv["72500000"]])
    matches = opportunities_for(startup_profile)
    assert [(m.kind, m.obj) for m in matches] == [("lot", lot), ("need", need)]
    assert "delivers in Bærum; small firm and the lot is marked suitable for SMBs" in (
        matches[0].score.explanation("en")
    )


def test_suppliers_for_a_tender_best_first_and_only_published(cpv, places, startup_profile):
    tender = TenderFactory(published=True, main_cpv=cpv["72212000"])
    tender.municipalities.set([places["baerum"]])
    exact = ListedSupplierProfileFactory(
        cpv_codes=[cpv["72212000"]], delivery_municipalities=[places["baerum"]]
    )
    far = ListedSupplierProfileFactory(cpv_codes=[cpv["72500000"]])
    ListedSupplierProfileFactory(cpv_codes=[cpv["45000000"]])
    ListedSupplierProfileFactory(cpv_codes=[cpv["72212000"]], is_published=False)
    matches = suppliers_for(tender)
    assert [m.obj for m in matches] == [exact, startup_profile, far]
    assert matches[0].score.explanation("en").startswith("Same CPV code 72212000")
    assert "delivers in Bærum" in matches[1].score.explanation("en")
    assert matches[2].score.explanation("en").startswith("Shares CPV division 72")


def test_explanations_are_in_both_languages(startup_profile, cpv):
    tender = TenderFactory(published=True, main_cpv=cpv["72212000"])
    result = explain(startup_profile, tender)
    assert result.explanation_en.startswith("Shares CPV group 722 — Software programming")
    # the Bokmål one names the branch by its Bokmål name
    assert "Programmering av programvare og rådgivning" in result.explanation_nb
    with translation.override("nb"):
        assert result.explanation() == result.explanation_nb
