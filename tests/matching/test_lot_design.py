"""The lot-design aid's counts, splits and § 19-4 justification, against a small registry.

The registry (``registry`` fixture) is built so each count can be worked out by hand:

=====  =========================  ===========================  =========================  =====
firm   size                       codes                        reaches                    local
=====  =========================  ===========================  =========================  =====
large  large                      72200000, 90500000           nationwide                 no
small  small                      72212000                     Bærum (based there)        yes
young  micro startup              72212000, 90000000           all of Akershus            yes
mid    medium                     90000000                     nationwide                 no
asker  small                      72212000, 90000000           Asker                      no
=====  =========================  ===========================  =========================  =====

plus an unlisted firm that fits everything and a listed road builder that fits nothing. The
tender asks for 72212000 and 90000000 in Bærum and Asker (Akershus), NOK 20 million.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import translation

from marketplace.errors import DomainError
from marketplace.models import AuditEvent
from matching.lot_design.design import lot_design
from matching.lot_design.justification import (
    EVENT,
    justification_history,
    justification_prefill,
    lot_split_justify,
    placeholder,
)
from matching.lot_design.tally import LARGE, MEDIUM, SMALL, STARTUP, UNKNOWN
from matching.selectors.tenders import tender_to_match
from tenders.models import Tender
from tests.factories import ListedSupplierProfileFactory, LotFactory, TenderFactory, cpv_code


@pytest.fixture
def registry(cpv, places, db):
    baerum, asker, oslo = places["baerum"], places["asker"], places["oslo"]
    akershus = baerum.county
    cpv_code_90500000 = _code("90500000")
    return {
        "large": ListedSupplierProfileFactory(
            cpv_codes=[cpv["72200000"], cpv_code_90500000],
            delivers_nationwide=True,
            municipality=oslo,
            employee_band="250+",
        ),
        "small": ListedSupplierProfileFactory(
            cpv_codes=[cpv["72212000"]],
            delivery_municipalities=[baerum],
            municipality=baerum,
            employee_band="10-49",
        ),
        "young": ListedSupplierProfileFactory(
            cpv_codes=[cpv["72212000"], cpv["90000000"]],
            delivery_counties=[akershus],
            municipality=asker,
            employee_band="1-9",
            stage="startup",
        ),
        "mid": ListedSupplierProfileFactory(
            cpv_codes=[cpv["90000000"]], delivers_nationwide=True, employee_band="50-249"
        ),
        "asker": ListedSupplierProfileFactory(
            cpv_codes=[cpv["72212000"], cpv["90000000"]],
            delivery_municipalities=[asker],
            employee_band="10-49",
        ),
        "unlisted": ListedSupplierProfileFactory(
            is_published=False,
            cpv_codes=[cpv["72212000"], cpv["90000000"]],
            delivers_nationwide=True,
            employee_band="1-9",
        ),
        "roads": ListedSupplierProfileFactory(
            cpv_codes=[cpv["45233141"]], delivers_nationwide=True, employee_band="1-9"
        ),
    }


def _code(code: str):
    return cpv_code(code, name_en="Refuse services", name_nb="Renovasjon")


@pytest.fixture
def draft(buyer, buyer_unit, cpv, places):
    return TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        title="Digital renovasjon",
        main_cpv=cpv["72212000"],
        additional_cpv=[cpv["90000000"]],
        municipalities=[places["baerum"], places["asker"]],
        estimated_value=Decimal("20000000"),
    )


def _design(officer, tender, **kwargs):
    return lot_design(tender_to_match(officer, tender.reference), **kwargs)


def test_counts_the_whole_by_size_local_and_together(procurement_officer, draft, registry):
    design = _design(procurement_officer, draft)

    counts = design.whole.parts[0].counts
    # Only the large firm fits both codes, both places and NOK 20 million.
    assert counts.alone == {STARTUP: 0, SMALL: 0, MEDIUM: 0, LARGE: 1, UNKNOWN: 0}
    assert counts.alone_local_total == 0
    # The startup is too small for NOK 20 million alone; the others miss a code or a place.
    assert counts.together == {STARTUP: 1, SMALL: 2, MEDIUM: 1, LARGE: 0, UNKNOWN: 0}
    assert counts.together_local == {STARTUP: 1, SMALL: 1, MEDIUM: 0, LARGE: 0, UNKNOWN: 0}
    assert design.local_area == ["Akershus"]


def test_reasons_explain_the_counts(procurement_officer, draft, registry):
    design = _design(procurement_officer, draft)

    reasons = {reason.en.split(" — ")[0]: firms for firms, reason in design.reasons}
    assert reasons["Shares CPV group 722"] == 4  # large (a broader code), small, young, asker
    assert reasons["Shares CPV division 90"] == 4  # large, young, mid, asker
    assert (
        reasons["deliver in Bærum (there, in all of its county or nationwide) or are based there"]
        == 4
    )  # large, small, young, mid
    assert reasons["are large enough to take on NOK 20\u00a0000\u00a0000 alone"] == 4


def test_splits_that_let_more_smbs_bid_are_suggested(procurement_officer, draft, registry):
    design = _design(procurement_officer, draft, most_lots=4)

    by_key = {item.key: item for item in design.proposals}
    assert set(by_key) == {"cpv", "area", "value2", "value3", "value4"}
    # By CPV group: the startup alone on software (NOK 10 million fits a micro business),
    # the startup and the medium-sized firm on refuse.
    assert [part.counts.alone_smb for part in by_key["cpv"].parts] == [1, 2]
    assert by_key["cpv"].smb == 2
    # By area: Bærum and Asker; the Asker firm can bid alone on its own municipality.
    assert by_key["area"].smb == 2
    assert by_key["value2"].smb == 1
    assert by_key["value2"].value_per_lot == Decimal("10000000")
    assert [item.key for item in design.suggestions] == ["area", "cpv", "value2"]
    assert design.whole.smb == 0


def test_most_lots_limits_the_splits(procurement_officer, draft, registry):
    design = _design(procurement_officer, draft, most_lots=2)

    assert [item.key for item in design.proposals] == ["cpv", "area", "value2"]
    assert all(item.lot_count <= 2 for item in design.suggestions)


def test_max_lots_per_bidder_sets_the_least_number_of_winners(procurement_officer, draft, registry):
    design = _design(procurement_officer, draft, most_lots=4, max_per_bidder=1)

    by_key = {item.key: item for item in design.proposals}
    assert by_key["value4"].winners_at_least == 4
    assert design.whole.winners_at_least == 1
    design = _design(procurement_officer, draft, most_lots=4, max_per_bidder=3)
    assert {item.key: item for item in design.proposals}["value4"].winners_at_least == 2


def test_own_lots_are_counted_each(procurement_officer, draft, registry, cpv, places):
    LotFactory(
        tender=draft,
        number=1,
        title="Programvare",
        cpv_codes=[cpv["72212000"]],
        estimated_value=Decimal("5000000"),
    )
    LotFactory(
        tender=draft,
        number=2,
        title="Renovasjon i Asker",
        cpv_codes=[cpv["90000000"]],
        municipalities=[places["asker"]],
        estimated_value=Decimal("15000000"),
    )

    design = _design(procurement_officer, draft)

    software, refuse = design.lots.parts
    # Software in Bærum and Asker, NOK 5 million: large and the startup.
    assert software.counts.alone_total == 2 and software.counts.alone_smb == 1
    # Refuse in Asker, NOK 15 million: large, mid, the Asker firm (the startup is too small).
    assert refuse.counts.alone == {STARTUP: 0, SMALL: 1, MEDIUM: 1, LARGE: 1, UNKNOWN: 0}
    assert design.lots.smb == 3


def test_counts_cost_two_queries_whatever_the_registry(
    procurement_officer, draft, registry, django_assert_num_queries
):
    tender = tender_to_match(procurement_officer, draft.reference)
    with django_assert_num_queries(2):  # names and places, then every count
        lot_design(tender, most_lots=6)


def test_no_codes_counts_nothing(procurement_officer, buyer, buyer_unit, registry):
    tender = TenderFactory(buyer=buyer, unit=buyer_unit, main_cpv=None)

    design = _design(procurement_officer, tender)

    assert design.whole.parts[0].counts.alone_total == 0
    assert design.suggestions == []


def test_prefill_states_the_figures(procurement_officer, draft, registry, settings):
    # the page builds the figures and the text in one request, in its language
    with translation.override("en"):
        text = justification_prefill(_design(procurement_officer, draft))
        english_placeholder = placeholder()
    assert "1 could deliver all of it alone, 0 of them small or medium-sized" in text
    # the date as English writes it ("7 December 2026"), never "7. December 2026"
    assert re.search(r"consulted on \d{1,2} [A-Z][a-z]+ \d{4}\. Of the", text)
    assert "so 4 more suppliers can take part together" in text
    assert "Divided into 2 lots (by area), 2 small or medium-sized businesses" in text
    assert text.endswith(english_placeholder)
    with translation.override("nb"):
        assert justification_prefill(_design(procurement_officer, draft)) != text


def test_saving_the_justification_keeps_it_with_the_figures(procurement_officer, draft, registry):
    design = _design(procurement_officer, draft)

    lot_split_justify(
        tender=draft, by=procurement_officer, text="  Én integrert leveranse.  ", design=design
    )

    draft.refresh_from_db()
    assert draft.no_lots_justification == "Én integrert leveranse."
    event = AuditEvent.objects.get(action=EVENT)
    assert event.after["figures"]["whole"]["alone"] == 1
    assert event.after["figures"]["best_split"]["key"] == "area"
    assert AuditEvent.objects.filter(action="tender.updated", object_id=str(draft.pk)).exists()
    assert justification_history(draft) == [event]


def test_a_published_tender_keeps_its_justification(procurement_officer, draft, registry):
    Tender.objects.filter(pk=draft.pk).update(status=Tender.Status.PUBLISHED)
    draft.refresh_from_db()
    design = _design(procurement_officer, draft)

    with pytest.raises(DomainError):
        lot_split_justify(tender=draft, by=procurement_officer, text="Nei.", design=design)
    assert not AuditEvent.objects.filter(action=EVENT).exists()


def test_a_divided_tender_needs_no_justification(procurement_officer, draft, registry):
    LotFactory(tender=draft, number=1)
    LotFactory(tender=draft, number=2)
    design = _design(procurement_officer, draft)

    with pytest.raises(DomainError) as caught:
        lot_split_justify(tender=draft, by=procurement_officer, text="Nei.", design=design)
    assert caught.value.code == "tender_divided"
    draft.refresh_from_db()
    assert draft.no_lots_justification == ""
