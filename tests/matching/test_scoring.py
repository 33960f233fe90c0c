"""The explained score on known cases: pure functions, no database."""

from __future__ import annotations

from matching.scoring import (
    WEIGHTS,
    OpportunityFacts,
    SupplierFacts,
    cpv_fit,
    score,
)

NAMES = {
    "72200000": (
        "Programmering av programvare og rådgivning",
        "Software programming and consultancy services",
    ),
    "72212000": ("Programmeringstjenester", "Programming services of application software"),
}


def supplier(**kwargs) -> SupplierFacts:
    return SupplierFacts(pk=1, name="Fjordlys", **kwargs)


def tender(**kwargs) -> OpportunityFacts:
    return OpportunityFacts(kind="lot", pk=9, title="Apputvikling", **kwargs)


def test_cpv_fit_orders_same_code_over_class_group_division():
    same = cpv_fit(["72212000"], ["72212000"]).points
    category = cpv_fit(["72212000"], ["72212100"]).points
    group = cpv_fit(["72212000"], ["72250000"]).points
    division = cpv_fit(["72212000"], ["72500000"]).points
    unrelated = cpv_fit(["72212000"], ["45000000"]).points
    assert same > category > group > division > unrelated == 0


def test_a_division_supplier_covers_the_tender_group_and_says_so():
    # given a supplier registered under 72000000 and a lot under 72212000
    result = score(
        supplier(cpv_codes=("72000000",)),
        tender(cpv_codes=("72212000",)),
        cpv_names=NAMES,
    )
    # then the explanation names the shared CPV group
    assert result.reasons[0].en == (
        "Shares CPV group 722 — Software programming and consultancy services"
    )
    assert result.parts["cpv"] > cpv_fit(["72212000"], ["72500000"]).points


def test_explanation_for_a_small_firm_delivering_in_baerum_on_an_smb_lot():
    result = score(
        supplier(
            cpv_codes=("72250000",),
            municipalities=frozenset({"3201"}),
            sme_category="micro",
        ),
        tender(
            cpv_codes=("72212000",),
            municipalities=frozenset({"3201"}),
            counties=frozenset({"32"}),
            suitable_for_smb=True,
        ),
        cpv_names=NAMES,
        places={"3201": "Bærum"},
    )
    assert result.explanation("en") == (
        "Shares CPV group 722 — Software programming and consultancy services; "
        "delivers in Bærum; small firm and the lot is marked suitable for SMBs"
    )
    assert result.parts == {
        "cpv": 0.6,
        "text": 0.0,
        "area": 1.0,
        "size_stage": 1.0,
        "credentials": 0.0,
    }
    expected = 100 * (0.6 * WEIGHTS["cpv"] + WEIGHTS["area"] + WEIGHTS["size_stage"])
    assert result.total == round(expected / sum(WEIGHTS.values()), 1)


def test_a_large_firm_scores_lower_on_an_smb_lot_than_a_small_one():
    lot = tender(cpv_codes=("72212000",), suitable_for_smb=True)
    small = score(supplier(cpv_codes=("72212000",), sme_category="small"), lot)
    large = score(supplier(cpv_codes=("72212000",), sme_category="large"), lot)
    assert small.total > large.total
    assert "small firm" not in large.explanation("en")


def test_pilots_favour_startups_with_a_fitting_trl():
    pilot = tender(cpv_codes=("72212000",), is_pilot=True)
    startup = score(
        supplier(cpv_codes=("72212000",), stage="startup", trl=6, open_to_pilots=True), pilot
    )
    established = score(supplier(cpv_codes=("72212000",), stage="established", trl=9), pilot)
    assert startup.parts["size_stage"] == 1.0
    assert established.parts["size_stage"] == 0.0
    assert "technology readiness level 6 fits a pilot" in startup.explanation("en")


def test_area_elsewhere_and_credentials_asked_for():
    result = score(
        supplier(
            cpv_codes=("72212000",),
            municipalities=frozenset({"0301"}),
            public_references=2,
            certifications=frozenset({"iso-9001", "iso-27001"}),
        ),
        tender(
            cpv_codes=("72212000",),
            municipalities=frozenset({"3201"}),
            counties=frozenset({"32"}),
            certifications_asked=frozenset({"iso-27001"}),
        ),
    )
    assert result.parts["area"] == 0.0
    assert result.parts["credentials"] == 1.0
    text = result.explanation("en")
    assert "does not deliver where this is" in text
    assert "2 public-sector references" in text
    assert "holds the certifications asked for: iso-27001" in text


def test_text_relevance_counts_and_is_explained():
    plain = score(supplier(cpv_codes=("72212000",)), tender(cpv_codes=("72212000",)))
    texty = score(supplier(cpv_codes=("72212000",)), tender(cpv_codes=("72212000",)), text=0.8)
    assert texty.total > plain.total
    assert "describes similar work" in texty.explanation("en")
