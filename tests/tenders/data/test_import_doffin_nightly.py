"""import_doffin run every night: unchanged notices stay quiet, identity is the notice's own,
wrong namespaces are refused, invalid entries can be skipped one by one, currencies are kept."""

from __future__ import annotations

import datetime
import json
import re
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from marketplace.models import OutboxMessage
from tenders.doffin import MalformedNotice, eforms, read_notices
from tenders.models import Source, Tender
from tenders.services.doffin import doffin_notices_import
from tests.factories import TenderFactory, cpv_code

from .conftest import eforms_notice, reference_file, scrape_row

pytestmark = pytest.mark.django_db
UUID_NOTICE = "2023-100863.xml"  # a real notice whose id is a UUID


def run(*paths, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_doffin", *[str(p) for p in paths], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def tender_events(event: str | None = None) -> int:
    """The tender events written to the outbox (what alerts and followers are sent from)."""
    events = OutboxMessage.objects.filter(payload__signal="tenders.domain_events.tender_changed")
    return events.filter(payload__event=event).count() if event else events.count()


def with_lots(notice: str, lots: list[tuple[str, str]]) -> str:
    """``notice`` with its lots replaced by ``(identifier, title)`` lots, in that order."""
    start = notice.index("  <cac:ProcurementProjectLot>")
    end = notice.index("</ContractNotice>")
    body = "".join(
        f"""  <cac:ProcurementProjectLot>
    <cbc:ID schemeName="Lot">{identifier}</cbc:ID>
    <cac:ProcurementProject><cbc:Name languageID="NOB">{title}</cbc:Name>
      <cac:MainCommodityClassification><cbc:ItemClassificationCode>90620000</cbc:ItemClassificationCode></cac:MainCommodityClassification>
    </cac:ProcurementProject>
  </cac:ProcurementProjectLot>
"""
        for identifier, title in lots
    )
    return notice[:start] + body + notice[end:]


# --- An unchanged notice is unchanged, whatever the order of its lots ---------------------------

OUT_OF_ORDER = [("E60", "Sogn"), ("E61", "Fjordane"), ("E11", "Romerike"), ("E2", "Follo")]


def test_reimporting_a_notice_with_lots_out_of_order_changes_nothing_and_sends_nothing(tmp_path):
    # given a notice whose lots the XML lists as E60, E61, E11, E2, imported once
    cpv_code("90620000", "Snow-clearing services")
    path = tmp_path / "2026-123456.xml"
    path.write_text(with_lots(eforms_notice(), OUT_OF_ORDER), encoding="utf-8")
    out, _err = run(path)
    assert "1 created, 0 updated, 0 unchanged" in out
    tender = Tender.objects.get()
    lots_before = dict(tender.lots.values_list("number", "pk"))
    assert lots_before.keys() == {60, 61, 11, 2}
    assert tender_events() == 1  # "published"

    # when the same notice is imported again
    out, _err = run(path)

    # then it is unchanged, its lots are the same rows, and no event is sent
    assert "0 created, 0 updated, 1 unchanged" in out
    assert dict(tender.lots.values_list("number", "pk")) == lots_before
    assert tender_events() == 1
    assert tender_events("amended") == 0


def test_a_changed_lot_is_updated_in_place_and_the_tender_amended_once(tmp_path):
    cpv_code("90620000", "Snow-clearing services")
    path = tmp_path / "2026-123456.xml"
    path.write_text(with_lots(eforms_notice(), OUT_OF_ORDER), encoding="utf-8")
    run(path)
    tender = Tender.objects.get()
    lots_before = dict(tender.lots.values_list("number", "pk"))

    # when one lot is renamed, one dropped and one added (still out of order)
    changed = [
        ("E61", "Fjordane"),
        ("E60", "Sogn og Fjordane"),
        ("E11", "Romerike"),
        ("E7", "Asker"),
    ]
    path.write_text(with_lots(eforms_notice(), changed), encoding="utf-8")
    out, _err = run(path)

    # then the kept lots are the same rows, updated where they changed
    assert "0 created, 1 updated, 0 unchanged" in out
    lots_after = dict(tender.lots.values_list("number", "pk"))
    assert lots_after.keys() == {60, 61, 11, 7}
    assert all(lots_after[number] == lots_before[number] for number in (60, 61, 11))
    assert tender.lots.get(number=60).title == "Sogn og Fjordane"
    assert tender.lots.get(number=7).cpv_codes.filter(code="90620000").exists()
    assert tender_events("amended") == 1


def test_reimporting_every_shared_notice_reports_nothing_updated_and_sends_no_event():
    cpv_code("72000000", "IT services")
    cpv_code("45232300", "Construction work for pipelines")
    folder = reference_file("doffin_eforms_xml")
    scrape = reference_file("doffin_contract_notices_F02_2020.json")
    run(folder, scrape)
    events = tender_events()
    assert events == 1260  # one "published" per notice

    out, _err = run(folder, scrape)

    assert "0 created, 0 updated, 1260 unchanged from 10 of 10 files" in out
    assert tender_events() == events


def test_a_notice_whose_deadline_passed_since_the_last_run_is_closed_not_amended(tmp_path):
    # given an open notice (deadline 2 November 2026) imported in October
    path = tmp_path / "2026-123456.xml"
    path.write_text(eforms_notice(), encoding="utf-8")
    october = datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)
    doffin_notices_import(notices=read_notices(path), source_name=path.name, now=october)
    assert Tender.objects.get().status == Tender.Status.PUBLISHED

    # when the same notice is imported after its deadline
    december = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    result = doffin_notices_import(notices=read_notices(path), source_name=path.name, now=december)

    # then the tender is closed and followers hear "closed", not "amended"
    assert (result.updated, result.unchanged) == (1, 0)
    assert Tender.objects.get().status == Tender.Status.CLOSED
    assert tender_events("closed") == 1
    assert tender_events("amended") == 0


# --- Identity comes from the notice, not from its file's name ----------------------------------


def test_the_same_notice_under_another_file_name_keeps_its_reference_and_link(tmp_path):
    # given a real notice whose id is a UUID, imported under Doffin's number as its file name
    original = reference_file("doffin_eforms_xml", UUID_NOTICE)
    numbered = shutil.copy(original, tmp_path / UUID_NOTICE)
    renamed = shutil.copy(original, tmp_path / "download (3).xml")
    run(numbered)
    tender = Tender.objects.get()
    assert tender.reference == "DOFFIN-D8CBF6F22454"
    assert tender.external_url == "https://permalink.mercell.com/216210237.aspx"

    # when the same XML comes again under another name
    out, _err = run(renamed)

    # then it is the same tender, unchanged
    assert "0 created, 0 updated, 1 unchanged" in out
    tender.refresh_from_db()
    assert tender.reference == "DOFFIN-D8CBF6F22454"
    assert tender.external_url == "https://permalink.mercell.com/216210237.aspx"
    assert tender_events("amended") == 0


def test_a_notice_published_in_the_official_journal_links_to_ted_when_doffin_has_no_number():
    notice_id = "4f1c2b7e-0a6d-4c55-9e2f-3b8a1d7c6e90"
    publication = (
        "<ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent><efext:EformsExtension>"
        '<efac:Publication><efbc:NoticePublicationID schemeName="ojs-notice-id">'
        "00601506-2023</efbc:NoticePublicationID></efac:Publication>"
    )
    xml = eforms_notice(notice_id=notice_id).replace(
        "<ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent><efext:EformsExtension>",
        publication,
    )
    efbc = "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1"
    xml = xml.replace("<ContractNotice ", f'<ContractNotice xmlns:efbc="{efbc}" ')

    notice = eforms.parse(xml.encode())

    assert notice.external_id == notice_id
    assert notice.reference == "DOFFIN-4F1C2B7E0A6D"
    assert notice.external_url == "https://ted.europa.eu/en/notice/-/detail/601506-2023"


# --- The root element's namespace is checked -----------------------------------------------------


def test_a_notice_in_a_wrong_root_namespace_is_refused_with_one_line_naming_it(tmp_path):
    wrong = eforms_notice().replace(
        'xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2"',
        'xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2"',
    )
    with pytest.raises(MalformedNotice, match=r"ContractNotice> is in the namespace .*AwardNotice"):
        eforms.parse(wrong.encode())
    with pytest.raises(MalformedNotice, match=r"namespace \(none\)"):
        eforms.parse(eforms_notice().replace(' xmlns="urn:', ' xmlns:x="urn:').encode())

    (tmp_path / "2026-123456.xml").write_text(wrong, encoding="utf-8")
    (tmp_path / "2026-000002.xml").write_text(
        eforms_notice(notice_id="2026-000002"), encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"Failed: 2026-123456\.xml\.") as raised:
        run(tmp_path)
    assert raised.value.returncode == 1
    assert list(Tender.objects.values_list("external_id", flat=True)) == ["2026-000002"]


# --- All or nothing by default; --skip-invalid imports the valid entries ------------------------


def bad_deadline_rows(tmp_path: Path) -> Path:
    rows = [scrape_row(), scrape_row(tittel="Stoler", tilbudsfrist="NA"), scrape_row(tittel="Bord")]
    path = tmp_path / "notices.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path


def test_one_bad_deadline_refuses_the_file_by_default(tmp_path):
    path = bad_deadline_rows(tmp_path)

    with pytest.raises(CommandError, match=r"Failed: notices\.json") as raised:
        run(path)

    assert raised.value.returncode == 1
    assert not Tender.objects.exists()


def test_skip_invalid_imports_the_valid_entries_and_lists_each_skipped_one(tmp_path):
    path = bad_deadline_rows(tmp_path)
    err = StringIO()

    with pytest.raises(CommandError, match=r"Skipped 1 invalid entry \(listed above\)") as raised:
        call_command("import_doffin", str(path), skip_invalid=True, stdout=StringIO(), stderr=err)

    assert raised.value.returncode == 3  # distinct from a failed file (1)
    assert "2 created" in str(raised.value)
    assert (
        "notices.json, entry 2 skipped: 'tilbudsfrist' is not a date (YYYY-MM-DD): 'NA'"
        in err.getvalue()
    )
    assert sorted(Tender.objects.values_list("title", flat=True)) == [
        "Bord",
        "Kontormøbler til fylkeshuset",
    ]


def test_skip_invalid_leaves_out_a_notice_the_database_refuses_without_a_trace(tmp_path):
    # given a row whose reference another tender already has
    clash = scrape_row(tittel="Stoler")
    clash_path = tmp_path / "clash.json"
    clash_path.write_text(json.dumps([clash], ensure_ascii=False), encoding="utf-8")

    [(_position, notice)] = read_notices(clash_path)
    TenderFactory(reference=notice.reference)
    path = tmp_path / "notices.json"
    path.write_text(json.dumps([scrape_row(), clash], ensure_ascii=False), encoding="utf-8")
    err = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_doffin", str(path), "--skip-invalid", stdout=StringIO(), stderr=err)

    assert raised.value.returncode == 3
    assert "notices.json, entry 2 skipped: reference:" in err.getvalue()
    imported = Tender.objects.filter(source=Source.DOFFIN)
    assert list(imported.values_list("title", flat=True)) == ["Kontormøbler til fylkeshuset"]
    assert not imported.filter(external_id=notice.external_id).exists()
    assert tender_events() == 1


# --- Values keep their currency ------------------------------------------------------------------


def test_a_value_in_euro_is_kept_with_its_currency_and_shown_with_the_code(client, tmp_path):
    cpv_code("90620000", "Snow-clearing services")
    # (open until 2035, so that the list of open opportunities shows it too)
    xml = eforms_notice(deadline_date="2035-11-02+01:00")
    xml = xml.replace('currencyID="NOK"', 'currencyID="EUR"').replace(
        '<cac:ProcurementProject><cbc:Name languageID="NOB">Nord</cbc:Name>',
        '<cac:ProcurementProject><cbc:Name languageID="NOB">Nord</cbc:Name>'
        '<cac:RequestedTenderTotal><cbc:EstimatedOverallContractAmount currencyID="SEK">'
        "400000</cbc:EstimatedOverallContractAmount></cac:RequestedTenderTotal>",
    )
    path = tmp_path / "2026-123456.xml"
    path.write_text(xml, encoding="utf-8")

    run(path)

    tender = Tender.objects.get()
    assert tender.estimated_value == Decimal("2500000")
    assert tender.estimated_value_currency == "EUR"
    assert tender.threshold_band == ""  # the thresholds are in NOK
    north = tender.lots.get(number=1)
    assert (north.estimated_value, north.estimated_value_currency) == (Decimal(400000), "SEK")
    with translation.override("en"):
        english = client.get(reverse("tenders:tender_detail", args=[tender.reference]))
    page = english.content.decode()
    assert "EUR 2,500,000" in page and "SEK 400,000" in page
    assert "NOK 2,500,000" not in page
    norwegian = client.get(reverse("tenders:tender_detail", args=[tender.reference]))
    # (the code before or after the number, as the Bokmål catalogue orders it; never "kr")
    value = re.search(r"EUR 2\xa0500\xa0000|2\xa0500\xa0000 EUR", norwegian.content.decode())
    assert value, "the value in euro is not on the Norwegian page"
    assert "2\xa0500\xa0000 kr" not in norwegian.content.decode()

    with translation.override("en"):
        listing = client.get(reverse("tenders:opportunity_list")).content.decode()
    assert "EUR 2,500,000" in listing
    api = client.get(f"/api/tenders/{tender.reference}/").json()
    assert (api["estimated_value"], api["estimated_value_currency"]) == ("2500000", "EUR")
    assert api["lots"][0]["estimated_value_currency"] == "SEK"

    # and importing it again changes nothing
    out, _err = run(path)
    assert "1 unchanged" in out


def test_an_amount_with_a_currency_that_is_no_code_refuses_the_notice():
    xml = eforms_notice().replace('currencyID="NOK"', 'currencyID="kroner"')
    with pytest.raises(MalformedNotice, match="not a currency code: 'kroner'"):
        eforms.parse(xml.encode())
