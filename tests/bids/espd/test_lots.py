"""The ESPD response names the lot it is for with the id the tender's notice gives it
(``tenders.eforms.identifiers``), or LOT-0000 when the tender has no lots; it still validates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from bids.espd import validation
from bids.espd.lots import bid_lot_ids, lot_ids
from bids.espd.services import response_xml
from bids.espd.taxonomy import NS
from bids.services.bids import bid_update, read_content
from tenders.eforms.identifiers import lot_id

from .conftest import needs_edm, save_complete


def named_lots(xml: bytes) -> tuple[list[str], set[str]]:
    """The response's own lot, and every lot its criteria refer to or expect."""
    root = etree.fromstring(xml)
    own = [e.text for e in root.findall("cac:ProcurementProjectLot/cbc:ID", NS)]
    referred = {e.text for e in root.iterfind(".//cac:ProcurementProjectLotReference/cbc:ID", NS)}
    referred |= {
        prop.findtext("cbc:ExpectedID", "", NS)
        for prop in root.iterfind(".//cac:TenderingCriterionProperty", NS)
        if prop.findtext("cbc:ValueDataTypeCode", "", NS) == "LOT_IDENTIFIER"
    }
    return own, referred


@pytest.fixture
def lots(espd_tender):
    from tests.factories.tenders import LotFactory

    return [LotFactory(tender=espd_tender, number=number) for number in (1, 2, 3)]


def test_a_tender_without_lots_is_the_whole_procedure_lot_0000(joint_draft, lead, lead_user):
    assert lot_ids(joint_draft.tender) == ["LOT-0000"]
    xml = response_xml(save_complete(joint_draft, lead, lead_user))
    own, referred = named_lots(xml)
    assert own == ["LOT-0000"]
    assert referred == {"LOT-0000"}  # the selection criteria of the default set refer to it


def test_the_lots_are_named_as_the_notice_names_them(lots, joint_draft, lead, lead_user):
    # given: the bid covers lots 2 and 3
    content = read_content(joint_draft)
    content.prices = {lots[1].pk: Decimal("100000"), lots[2].pk: Decimal("200000")}
    bid_update(bid=joint_draft, by=lead_user, content=content)
    joint_draft.refresh_from_db()
    # then
    assert lot_ids(joint_draft.tender) == ["LOT-0001", "LOT-0002", "LOT-0003"]
    assert bid_lot_ids(joint_draft) == [lot_id(2), lot_id(3)] == ["LOT-0002", "LOT-0003"]
    response = save_complete(joint_draft, lead, lead_user)
    # one response XML per lot, the first by default
    assert named_lots(response_xml(response)) == (["LOT-0002"], {"LOT-0002"})
    assert named_lots(response_xml(response, lot="LOT-0003")) == (["LOT-0003"], {"LOT-0003"})
    # a lot the bid does not cover is not written
    assert named_lots(response_xml(response, lot="LOT-0001"))[0] == ["LOT-0002"]


@needs_edm
def test_a_response_for_a_lot_validates(lots, joint_draft, lead, lead_user):
    content = read_content(joint_draft)
    content.prices = {lots[2].pk: Decimal("200000")}
    bid_update(bid=joint_draft, by=lead_user, content=content)
    joint_draft.refresh_from_db()
    xml = response_xml(save_complete(joint_draft, lead, lead_user))
    assert named_lots(xml) == (["LOT-0003"], {"LOT-0003"})
    assert validation.errors(xml) == []


def test_the_supplier_page_offers_one_response_per_lot(client, lots, joint_draft, lead, lead_user):
    from django.urls import reverse

    content = read_content(joint_draft)
    content.prices = {lots[0].pk: Decimal("1"), lots[2].pk: Decimal("2")}
    bid_update(bid=joint_draft, by=lead_user, content=content)
    joint_draft.refresh_from_db()
    save_complete(joint_draft, lead, lead_user)
    client.force_login(lead_user)
    page = client.get(reverse("bids:supplier_espd", kwargs={"public_id": joint_draft.public_id}))
    download = reverse(
        "bids:supplier_espd_download",
        kwargs={"public_id": joint_draft.public_id, "organisation_id": lead.pk},
    )
    html = page.content.decode()
    assert f'href="{download}?lot=LOT-0001"' in html
    assert f'href="{download}?lot=LOT-0003"' in html
    assert "LOT-0002" not in html
    answer = client.get(download, {"lot": "LOT-0003"})
    assert answer.status_code == 200
    assert named_lots(answer.content)[0] == ["LOT-0003"]
    assert "LOT-0003.xml" in answer["Content-Disposition"]
