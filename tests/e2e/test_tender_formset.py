"""The tender form's rows on the page (static/js/formset.js): a new tender with three lots saved
in one submit, a row added and removed again without a trace, focus and numbering kept."""

from __future__ import annotations

import re

import pytest

from tenders.models import Tender
from tests.e2e.test_tenders_journey import _choose_cpv, _local
from tests.factories import cpv_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_tender_form_with_three_lots_saved_in_one_submit(
    new_page, assert_accessible, procurement_officer, buyer_unit
):
    cpv_code("90620000", "Snow-clearing services", "Snørydding")
    page = new_page(user=procurement_officer)
    page.goto("/en/innkjop/konkurranser/ny/")
    page.fill("#id_title", "Winter maintenance in three areas")
    page.select_option("#id_unit", str(buyer_unit.pk))
    page.fill("#id_description", "Snow clearing and gritting on county roads.")
    page.select_option("#id_procedure", "open")
    page.select_option("#id_contract_type", "services")
    page.fill("#id_estimated_value", "3000000")
    _choose_cpv(page, "#id_main_cpv", "90620000")
    page.fill("#id_question_deadline", _local(20))
    page.fill("#id_submission_deadline", _local(30))
    page.fill("#id_criteria-0-name", "Price")
    page.fill("#id_criteria-0-weight", "100")

    # The hint for saving without JavaScript is gone; "Delete" boxes became buttons.
    lots = page.locator("fieldset[data-formset=lots]")
    assert not lots.locator("[data-formset-hint]").is_visible()
    assert not page.locator("#id_lots-0-DELETE").is_visible()

    page.fill("#id_lots-0-title", "North")
    add = page.get_by_role("button", name="Add lot")
    add.click()
    # Focus moves into the new row, whose fields are numbered on.
    assert page.evaluate("document.activeElement.id") == "id_lots-1-title"
    page.keyboard.type("Central")
    _choose_cpv(page, "#id_lots-1-cpv_codes", "90620000")  # the new row's CPV picker works
    add.click()
    page.fill("#id_lots-2-title", "South")
    page.check("#id_lots-2-suitable_for_smb")
    # A fourth row added by mistake is removed again.
    add.click()
    page.fill("#id_lots-3-title", "Mistake")
    page.get_by_role("button", name="Remove lot 4").click()
    assert not page.locator("#id_lots-3-title").is_visible()
    assert page.get_by_role("status").filter(has_text="removed").count() == 1
    assert page.input_value("#id_lots-TOTAL_FORMS") == "4"
    assert_accessible(page)

    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/en/innkjop/konkurranser/[^/]+/$"))

    tender = Tender.objects.get(title="Winter maintenance in three areas")
    saved = list(tender.lots.order_by("number"))
    assert [(lot.number, lot.title) for lot in saved] == [
        (1, "North"),
        (2, "Central"),
        (3, "South"),
    ]
    assert list(saved[1].cpv_codes.values_list("code", flat=True)) == ["90620000"]
    assert saved[2].suitable_for_smb
