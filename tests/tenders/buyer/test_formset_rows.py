"""The tender form's lots, criteria and requirements: the page carries what static/js/formset.js
needs to add and remove rows (the empty form, labels, the script), and the posts it makes — more
rows than the page had, a removed row ticked for deletion — save as meant. Without JavaScript
the form works as before: one blank row per save, "Delete" removes a row."""

from __future__ import annotations

import re

import pytest

from tenders.models import Tender
from tests.tenders.buyer.test_views import _en, _local, _management

pytestmark = pytest.mark.django_db


def _post(unit, lots: dict, total_lots: int, initial_lots: int = 0) -> dict:
    return {
        "title": "Vintervedlikehold",
        "unit": str(unit.pk),
        "description": "<p>Brøyting og strøing</p>",
        "procedure": "open",
        "contract_type": "services",
        "estimated_value": "1500000",
        "main_cpv": "72000000",
        "question_deadline": _local(10),
        "submission_deadline": _local(20),
        **_management("lots", total_lots, initial_lots),
        **lots,
        **_management("criteria", 2),
        "criteria-0-name": "Pris",
        "criteria-0-weight": "60",
        "criteria-0-kind": "price",
        "criteria-1-name": "Klima og miljø",
        "criteria-1-weight": "40",
        "criteria-1-kind": "climate",
        **_management("requirements", 1),
    }


def test_the_new_tender_form_carries_the_empty_rows_and_the_script(buyer_client):
    page = buyer_client.get(_en("buyer_tender_create")).content.decode()

    for prefix in ("lots", "criteria", "requirements"):
        assert f'data-formset="{prefix}"' in page
        assert f'name="{prefix}-TOTAL_FORMS" value="1"' in page  # one blank row
        template = page.split(f'data-formset="{prefix}"')[1].split("</template>")[0]
        assert f'name="{prefix}-__prefix__-' in template
    assert 'data-add-label="Add lot"' in page
    assert "js/formset.js" in page
    # Without JavaScript the hint tells how to get more rows.
    assert "Save to get room for one more." in page


def test_three_lots_in_one_submit_as_the_script_posts_them(buyer_client, buyer_unit, main_cpv):
    # given: the page had one row; the script added three and the fourth was removed unfilled
    lots = {
        "lots-0-title": "Nord",
        "lots-1-title": "Midt",
        "lots-1-suitable_for_smb": "on",
        "lots-2-title": "Sør",
        "lots-3-title": "",
        "lots-3-DELETE": "on",
    }
    # when
    response = buyer_client.post(_en("buyer_tender_create"), _post(buyer_unit, lots, 4))
    # then
    assert response.status_code == 302, response.content.decode()[:2000]
    tender = Tender.objects.get(title="Vintervedlikehold")
    assert [lot.title for lot in tender.lots.order_by("number")] == ["Nord", "Midt", "Sør"]
    assert [lot.number for lot in tender.lots.order_by("number")] == [1, 2, 3]


def test_without_javascript_one_blank_row_per_save_and_delete_removes(
    buyer_client, buyer_unit, main_cpv
):
    # given: a draft saved with one lot (and the blank row left blank)
    response = buyer_client.post(
        _en("buyer_tender_create"), _post(buyer_unit, {"lots-0-title": "Nord"}, 2)
    )
    assert response.status_code == 302
    tender = Tender.objects.get(title="Vintervedlikehold")
    edit_url = _en("buyer_tender_edit", reference=tender.reference)
    page = buyer_client.get(edit_url).content.decode()
    assert 'name="lots-TOTAL_FORMS" value="2"' in page  # the saved lot and one blank row
    lot_id = re.search(r'name="lots-0-id" value="(\d+)"', page).group(1)

    # when: the second lot is written in the blank row
    lots = {"lots-0-id": lot_id, "lots-0-title": "Nord", "lots-1-title": "Sør"}
    buyer_client.post(edit_url, _post(buyer_unit, lots, 2, initial_lots=1))
    assert [lot.title for lot in tender.lots.order_by("number")] == ["Nord", "Sør"]

    # when: "Delete" is ticked on the first
    page = buyer_client.get(edit_url).content.decode()
    ids = re.findall(r'name="lots-\d+-id" value="(\d+)"', page)
    lots = {
        "lots-0-id": ids[0],
        "lots-0-title": "Nord",
        "lots-0-DELETE": "on",
        "lots-1-id": ids[1],
        "lots-1-title": "Sør",
    }
    response = buyer_client.post(edit_url, _post(buyer_unit, lots, 3, initial_lots=2))
    # then
    assert response.status_code == 302
    assert [lot.title for lot in tender.lots.order_by("number")] == ["Sør"]
