"""The core loop in a browser: an officer publishes a tender with two lots; a supplier asks a
question, the officer answers, and the supplier reads the answer with the asker anonymised."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from tenders.models import Tender
from tests.factories import cpv_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def _local(days: int) -> str:
    """A datetime-local value (Oslo time) ``days`` from now, at noon."""
    day = (timezone.now() + datetime.timedelta(days=days)).astimezone(OSLO).date()
    return f"{day.isoformat()}T12:00"


def _choose_cpv(page, combobox: str, code: str) -> None:
    """Search a CPV picker's combobox for ``code`` and choose the first result by keyboard."""
    page.fill(combobox, code)
    listbox = page.get_attribute(combobox, "aria-controls")
    page.wait_for_selector(f"#{listbox} [role=option]:has-text('{code}')")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def test_officer_publishes_two_lots_and_supplier_reads_an_anonymised_answer(
    new_page, assert_accessible, procurement_officer, buyer_unit, supplier_admin
):
    cpv_code("90620000", "Snow-clearing services", "Snørydding")
    officer = new_page(user=procurement_officer)

    # The officer writes a draft with one lot ...
    officer.goto("/en/innkjop/konkurranser/ny/")
    officer.fill("#id_title", "Winter maintenance of county roads")
    officer.select_option("#id_unit", str(buyer_unit.pk))
    officer.fill("#id_description", "Snow clearing and gritting on county roads.")
    officer.select_option("#id_procedure", "open")
    officer.select_option("#id_contract_type", "services")
    officer.fill("#id_estimated_value", "1500000")
    _choose_cpv(officer, "#id_main_cpv", "90620000")
    officer.fill("#id_question_deadline", _local(20))
    officer.fill("#id_submission_deadline", _local(30))
    officer.fill("#id_lots-0-title", "North")
    officer.check("#id_lots-0-suitable_for_smb")
    _choose_cpv(officer, "#id_lots-0-cpv_codes", "90620000")
    officer.fill("#id_criteria-0-name", "Price")
    officer.fill("#id_criteria-0-weight", "100")
    officer.get_by_role("button", name="Save draft").click()
    officer.wait_for_url(re.compile(r"/en/innkjop/konkurranser/[^/]+/$"))
    reference = officer.url.rstrip("/").rsplit("/", 1)[-1]
    tender = Tender.objects.get(reference=reference)
    assert tender.main_cpv_id == "90620000"
    assert list(tender.lots.get().cpv_codes.values_list("code", flat=True)) == ["90620000"]

    # ... adds the second lot, and publishes.
    officer.get_by_role("link", name="Edit draft").click()
    officer.fill("#id_lots-1-title", "South")
    officer.get_by_role("button", name="Save draft").click()
    officer.wait_for_url(f"**/en/innkjop/konkurranser/{reference}/")
    officer.get_by_role("button", name="Publish", exact=True).click()
    officer.wait_for_load_state()

    # Anyone finds it in the listing, with its lots on its page.
    supplier = new_page(user=supplier_admin)
    supplier.goto("/en/konkurranser/")
    supplier.get_by_role("link", name="Winter maintenance of county roads").click()
    supplier.wait_for_url(f"**/en/konkurranser/{reference}/")
    lots = supplier.locator("section[aria-labelledby=lots-heading] h3")
    assert supplier.locator("#lots-heading").inner_text() == "2 lots"
    assert lots.all_inner_texts() == ["Lot 1: North", "Lot 2: South"]
    assert_accessible(supplier)

    # The supplier asks a question that gives itself away.
    supplier.fill("#questions textarea", "Fjordlys Teknologi asks: may we use electric machines?")
    supplier.get_by_role("button", name="Send question").click()
    supplier.wait_for_url(f"**/en/konkurranser/{reference}/**")
    assert "may we use electric machines?" in supplier.locator("#questions").inner_text()

    # The officer removes what identifies the asker and publishes the answer.
    officer.goto(f"/en/innkjop/konkurranser/{reference}/sporsmal/")
    officer.locator("table a", has_text="Answer").first.click()
    officer.fill("#id_published_question", "May we use electric machines?")
    officer.fill("#id_answer", "Yes, electric machines are welcome.")
    officer.get_by_role("button", name="Publish answer").click()
    officer.wait_for_url(f"**/en/innkjop/konkurranser/{reference}/sporsmal/")

    # Everyone reads the answer; nothing tells who asked.
    reader = new_page()
    reader.goto(f"/en/konkurranser/{reference}/")
    questions = reader.locator("#questions").inner_text()
    assert "May we use electric machines?" in questions
    assert "Yes, electric machines are welcome." in questions
    html = reader.content()
    for identifying in ("Fjordlys", supplier_admin.email, supplier_admin.full_name):
        assert identifying not in html
    supplier.reload()
    assert "Yes, electric machines are welcome." in supplier.locator("#questions").inner_text()
    assert_accessible(reader)
