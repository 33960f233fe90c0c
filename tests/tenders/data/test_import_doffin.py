"""import_doffin: eForms XML and the F02 JSON scrape become external tenders, idempotently."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from marketplace.models import AuditEvent
from tenders.doffin import MalformedNotice, read_notices
from tenders.models import Procedure, Source, Tender
from tenders.services.doffin import doffin_notices_import
from tests.factories import TenderFactory, cpv_code

from .conftest import eforms_notice, reference_file, scrape_row

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
OSLO = ZoneInfo("Europe/Oslo")


def run(*paths) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_doffin", *[str(p) for p in paths], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def write_rows(path: Path, rows: list) -> Path:
    return write(path, json.dumps(rows, ensure_ascii=False))


# --- The shared reference files -----------------------------------------------------------------


def test_all_shared_notices_import_once_and_again_without_duplicates():
    # given the CPV codes some of the notices use
    cpv_code("72000000", "IT services")
    cpv_code("45232300", "Construction work for pipelines")
    xml_folder = reference_file("doffin_eforms_xml")
    scrape = reference_file("doffin_contract_notices_F02_2020.json")

    # when
    out, _err = run(xml_folder, scrape)

    # then: the 9 eForms notices and 1,251 of the 1,252 rows (one is posted twice)
    external = Tender.objects.filter(source=Source.DOFFIN)
    assert external.count() == 9 + 1251
    assert "entry 1155 repeats entry 75; skipped" in out
    assert "1260 created, 0 updated, 0 unchanged from 10 of 10 files" in out
    assert not external.filter(title="").exists()
    assert not external.filter(buyer_name="").exists()
    assert not external.filter(external_cpv_codes=[]).exists()
    rows = json.loads(scrape.read_text(encoding="utf-8"))
    dated_rows = {(r["tittel"], r["kunngjoringsdato"]) for r in rows if r.get("tilbudsfrist")}
    assert external.filter(
        external_notice_type="F02", submission_deadline__isnull=False
    ).count() == (len(dated_rows))
    assert external.filter(main_cpv_id="72000000").exists()
    assert "CPV codes are not in the CPV table" in out

    broadband = Tender.objects.get(reference="DOFFIN-2023-610912")
    assert broadband.title == "Bredbåndsutbygging i Trøndelag - NKOM 2023"
    assert broadband.buyer_name == "Trøndelag fylkeskommune"
    assert broadband.buyer_org_number == "817920632"
    assert broadband.buyer is None and broadband.is_external
    assert broadband.main_cpv_id == "45232300"
    assert broadband.procedure == Procedure.OPEN
    assert broadband.contract_type == "works"
    assert broadband.estimated_value == Decimal("120000000")
    assert broadband.submission_deadline == datetime.datetime(2023, 10, 13, 10, 0, tzinfo=UTC)
    assert broadband.lots.count() == 54
    assert broadband.status == Tender.Status.CLOSED
    assert broadband.external_url == "https://doffin.no/notices/2023-610912"

    # a notice whose id is a UUID is known by that UUID; its file's name plays no part
    carbine = Tender.objects.get(external_id="d8cbf6f2-2454-4137-92ad-891110f7f826")
    assert carbine.reference == "DOFFIN-D8CBF6F22454"
    assert carbine.external_url == "https://permalink.mercell.com/216210237.aspx"
    assert carbine.procedure == Procedure.NEGOTIATION
    assert carbine.question_deadline < carbine.submission_deadline
    assert Tender.objects.get(reference="DOFFIN-2022-319091").status == Tender.Status.AWARDED
    # a planning notice's 2099 placeholder is no deadline
    assert Tender.objects.get(reference="DOFFIN-2023-698390").submission_deadline is None

    # when run again
    out, _err = run(xml_folder, scrape)

    # then nothing is created twice and nothing changed
    assert Tender.objects.filter(source=Source.DOFFIN).count() == 1260
    assert "0 created, 0 updated, 1260 unchanged from 10 of 10 files" in out


def test_every_shared_eforms_file_parses_with_title_buyer_and_cpv():
    for path in sorted(reference_file("doffin_eforms_xml").glob("*.xml")):
        [(_position, notice)] = read_notices(path)
        assert notice.title, path.name
        assert notice.buyer_name, path.name
        assert notice.cpv_codes, path.name
        # Doffin's number where the notice id is one, else the id's first 12 hex digits
        assert re.fullmatch(r"DOFFIN-(\d{4}-\d{6}|[0-9A-F]{12})", notice.reference), path.name


# --- Small notices written here --------------------------------------------------------------


def test_eforms_notice_fields_and_oslo_deadline_after_the_october_dst_change(tmp_path):
    cpv_code("90620000", "Snow-clearing services")
    path = write(tmp_path / "2026-123456.xml", eforms_notice())

    out, _err = run(path)

    tender = Tender.objects.get(reference="DOFFIN-2026-123456")
    assert "1 created" in out
    assert tender.source == Source.DOFFIN
    assert tender.external_id == "2026-123456"
    assert tender.title == "Brøyting i Akershus"  # Bokmål preferred over English
    assert tender.description == "<p>Brøyting av fylkesveier &amp; gang- og sykkelveier.</p>"
    assert tender.buyer_name == "Akershus fylkeskommune"
    assert tender.buyer_org_number == "930580783"
    assert tender.main_cpv_id == "90620000"
    assert tender.external_cpv_codes == ["90620000", "90000000"]
    assert list(tender.additional_cpv.all()) == []  # 90000000 is not in the CPV table
    assert tender.estimated_value == Decimal("2500000")
    assert tender.threshold_band == "eea"
    # 12:00 in Oslo on 2 November 2026 (winter time, UTC+1) is 11:00 UTC
    assert tender.submission_deadline == datetime.datetime(2026, 11, 2, 11, 0, tzinfo=UTC)
    assert tender.submission_deadline.astimezone(OSLO).hour == 12
    assert tender.question_deadline == datetime.datetime(2026, 10, 20, 10, 0, tzinfo=UTC)
    assert [(lot.number, lot.title) for lot in tender.lots.all()] == [(1, "Nord"), (2, "Sør")]
    assert tender.lots.get(number=1).cpv_codes.filter(code="90620000").exists()
    assert AuditEvent.objects.filter(action="tender.doffin_imported").count() == 1


def test_reimport_updates_a_changed_notice_and_links_codes_added_since(tmp_path):
    path = write(tmp_path / "2026-123456.xml", eforms_notice())
    run(path)
    assert Tender.objects.get().main_cpv is None

    # when the CPV code arrives and the notice is corrected
    cpv_code("90620000", "Snow-clearing services")
    write(path, eforms_notice(title="Brøyting og strøing i Akershus"))
    out, _err = run(path)

    tender = Tender.objects.get()
    assert "0 created, 1 updated" in out
    assert tender.title == "Brøyting og strøing i Akershus"
    assert tender.main_cpv_id == "90620000"


def test_scrape_rows_with_date_only_deadline_become_noon_oslo_time(tmp_path):
    cpv_code("39130000", "Office furniture")
    cpv_code("39100000", "Furniture")
    path = write_rows(tmp_path / "notices.json", [scrape_row(), scrape_row(tittel="Stoler")])

    out, _err = run(path)

    assert "2 notices: 2 created" in out
    tender = Tender.objects.get(title="Kontormøbler til fylkeshuset")
    assert tender.reference.startswith("DOFFIN-F02-")
    assert tender.external_id.startswith("F02-")
    assert tender.buyer_org_number == "930580783"
    assert tender.main_cpv_id == "39130000"
    assert [c.code for c in tender.additional_cpv.all()] == ["39100000"]
    assert tender.external_cpv_codes == ["39130000", "39000000", "39100000"]
    assert tender.contract_type == "goods"
    assert tender.procedure == ""
    assert (
        tender.description
        == "<p>Rammeavtale for kontormøbler.</p>\n\n<p>Se konkurransegrunnlaget.</p>"
    )
    assert tender.submission_deadline == datetime.datetime(2026, 11, 2, 11, 0, tzinfo=UTC)
    assert tender.published_at == datetime.datetime(2026, 9, 1, 22, 0, tzinfo=UTC)
    assert tender.external_url == "https://permalink.mercell.com/1.aspx"


def test_status_follows_the_notice_kind_and_the_deadline(tmp_path):
    now = datetime.datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    open_ = write(tmp_path / "2026-000001.xml", eforms_notice(notice_id="2026-000001"))
    past = write(
        tmp_path / "2026-000002.xml",
        eforms_notice(notice_id="2026-000002", deadline_date="2026-09-20+02:00"),
    )
    award = write(
        tmp_path / "2026-000003.xml",
        eforms_notice(notice_id="2026-000003", notice_type="can-standard", list_name="result"),
    )
    undated = write_rows(tmp_path / "undated.json", [scrape_row(tilbudsfrist=None)])
    stale = write_rows(
        tmp_path / "stale.json", [scrape_row(tilbudsfrist=None, kunngjoringsdato="2026-06-01")]
    )

    for path in (open_, past, award, undated, stale):
        doffin_notices_import(notices=read_notices(path), source_name=path.name, now=now)

    status = dict(Tender.objects.values_list("external_id", "status"))
    assert status["2026-000001"] == Tender.Status.PUBLISHED
    assert status["2026-000002"] == Tender.Status.CLOSED
    assert status["2026-000003"] == Tender.Status.AWARDED
    undated_status = Tender.objects.filter(external_notice_type="F02").order_by("published_at")
    assert [t.status for t in undated_status] == [Tender.Status.CLOSED, Tender.Status.PUBLISHED]
    assert Tender.objects.get(external_id="2026-000002").closed_at is not None


# --- Bad input ---------------------------------------------------------------------------------


def test_malformed_xml_is_named_with_its_position_and_the_other_files_still_import(tmp_path):
    write(tmp_path / "2026-000001.xml", eforms_notice(notice_id="2026-000001"))
    write(tmp_path / "2026-000002.xml", eforms_notice(notice_id="2026-000002")[:900])

    with pytest.raises(CommandError) as raised:
        out = StringIO()
        err = StringIO()
        call_command("import_doffin", str(tmp_path), stdout=out, stderr=err)

    assert "Failed: 2026-000002.xml" in str(raised.value)
    assert "1 created" in str(raised.value)
    message = err.getvalue()
    assert "2026-000002.xml, line " in message and " column " in message
    assert "nothing from this file was imported" in message
    assert list(Tender.objects.values_list("external_id", flat=True)) == ["2026-000001"]


def test_one_bad_row_keeps_the_whole_file_out(tmp_path):
    rows = [scrape_row(), scrape_row(tittel="Stoler"), scrape_row(kunngjoringsdato="2. sept.")]
    path = write_rows(tmp_path / "notices.json", rows)

    with pytest.raises(CommandError, match=r"Failed: notices\.json"):
        err = StringIO()
        call_command("import_doffin", str(path), stdout=StringIO(), stderr=err)

    assert "notices.json, entry 3: 'kunngjoringsdato' is not a date" in err.getvalue()
    assert not Tender.objects.exists()
    assert not AuditEvent.objects.filter(action="tender.doffin_imported").exists()


def test_a_row_that_breaks_a_database_rule_rolls_back_the_file(tmp_path):
    # the reference another tender already has: the second row cannot be stored
    row = scrape_row(tittel="Stoler")
    [(_pos, notice)] = read_notices(write_rows(tmp_path / "one.json", [row]))
    TenderFactory(reference=notice.reference)
    path = write_rows(tmp_path / "notices.json", [scrape_row(), row])

    with pytest.raises(CommandError):
        err = StringIO()
        call_command("import_doffin", str(path), stdout=StringIO(), stderr=err)

    assert "notices.json, entry 2: reference:" in err.getvalue()
    assert not Tender.objects.filter(source=Source.DOFFIN).exists()


@pytest.mark.parametrize(
    ("content", "position"),
    [
        ('[{"tittel": "A",}]', "line 1 column 17"),
        ('{"tittel": "A"}', "top level"),
        ("[1]", "entry 1"),
        ('[{"tittel": "A", "kunngjoringsdato": "2026-09-02"}]', "entry 1: 'oppdragsgiver'"),
    ],
)
def test_json_problems_name_their_position(content, position):
    with pytest.raises(MalformedNotice) as raised:
        from tenders.doffin import scrape

        scrape.parse(content.encode())
    assert str(raised.value).startswith(position)


def test_xml_that_is_no_notice_or_unsafe_is_refused(tmp_path):
    from tenders.doffin import eforms

    with pytest.raises(MalformedNotice, match="root element"):
        eforms.parse(b"<Invoice/>")
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b"<ContractNotice>&a;</ContractNotice>"
    )
    with pytest.raises(MalformedNotice, match="unsafe XML"):
        eforms.parse(bomb)
    with pytest.raises(MalformedNotice, match="no identifier"):
        eforms.parse(eforms_notice().replace("2026-123456", "").encode())


def test_missing_paths_and_unknown_files_stop_before_anything_is_written(tmp_path):
    write(tmp_path / "notes.txt", "hello")
    with pytest.raises(CommandError, match="no such file or folder"):
        run(tmp_path / "nope.xml")
    with pytest.raises(CommandError, match=r"not an \.xml or \.json file"):
        run(tmp_path / "notes.txt")
    with pytest.raises(CommandError, match=r"holds no \.xml or \.json files"):
        (tmp_path / "empty").mkdir()
        run(tmp_path / "empty")
