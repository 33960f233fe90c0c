"""Indicator computations on a known data set, with exact numbers, and the CSV/JSON they give.

The data set (two service areas of one buyer, 2025 and 2026):

needs      2025: Samferdsel 1, Utdanning 1            → 2
           2026: Samferdsel 2, Utdanning 1            → 3  (one published 31 Dec 23:30 UTC,
                                                           which is 1 Jan 00:30 in Oslo)
tenders    2025: Samferdsel 1 (SMB lot), Utdanning 1  → 2, SMB share 50.0 %
           2026: Samferdsel 2 (one with an SMB lot),
                 Utdanning 1 (SMB lot)                → 3, SMB share 66.7 %
not counted: a draft need, a draft tender with an SMB lot, an imported Doffin notice.
"""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.utils import translation

from cms import indicator_reports, indicators
from tenders.models import Need, Tender
from tests.factories import BuyerFactory, LotFactory, NeedFactory, OrganisationUnitFactory
from tests.factories.tenders import TenderFactory

UTC = datetime.UTC
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
YEARS = (2025, 2026)


@contextmanager
def translation_en():
    with translation.override("en"):
        yield


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def data_set(db):
    buyer = BuyerFactory(name="Akershus fylkeskommune")
    transport = OrganisationUnitFactory(organisation=buyer, name="Samferdsel", name_en="Transport")
    education = OrganisationUnitFactory(organisation=buyer, name="Utdanning", name_en="Education")

    def need(unit, status, published_at):
        return NeedFactory(buyer=buyer, unit=unit, status=status, published_at=published_at)

    need(transport, Need.Status.OPEN, at(2025, 3, 1))
    need(education, Need.Status.CLOSED, at(2025, 6, 10))
    need(education, Need.Status.TENDERED, at(2025, 12, 31, 23, 30))  # 2026 in Oslo
    need(transport, Need.Status.OPEN, at(2026, 2, 1))
    need(transport, Need.Status.OPEN, at(2026, 4, 1))
    need(transport, Need.Status.DRAFT, None)

    def tender(unit, status, published_at, smb_lots=(), **extra):
        made = TenderFactory(
            buyer=buyer, unit=unit, status=status, published_at=published_at, **extra
        )
        for number, smb in enumerate(smb_lots, start=1):
            LotFactory(tender=made, number=number, suitable_for_smb=smb)
        return made

    tender(transport, Tender.Status.PUBLISHED, at(2025, 5, 1), smb_lots=[True])
    tender(education, Tender.Status.CLOSED, at(2025, 9, 1), smb_lots=[False, False])
    tender(transport, Tender.Status.PUBLISHED, at(2026, 1, 15))
    tender(transport, Tender.Status.CANCELLED, at(2026, 2, 15), smb_lots=[False, True])
    tender(education, Tender.Status.AWARDED, at(2026, 3, 1), smb_lots=[True])
    tender(transport, Tender.Status.DRAFT, None, smb_lots=[True])
    TenderFactory(external=True, published_at=at(2026, 3, 3))
    return {"transport": transport, "education": education}


def test_needs_published_per_year_and_service_area(data_set):
    result = indicators.needs_published(YEARS)

    assert {year: f.value for year, f in result.by_year.items()} == {2025: 2, 2026: 3}
    transport, education = data_set["transport"].pk, data_set["education"].pk
    assert {key: f.value for key, f in result.by_area.items()} == {
        (2025, transport): 1,
        (2025, education): 1,
        (2026, transport): 2,
        (2026, education): 1,
    }
    assert [area.name for area in result.areas] == ["Samferdsel", "Utdanning"]


def test_tenders_published_leave_out_drafts_and_doffin_notices(data_set):
    result = indicators.tenders_published(YEARS)

    assert {year: f.value for year, f in result.by_year.items()} == {2025: 2, 2026: 3}
    assert result.area_figure(2026, data_set["transport"].pk).value == 2
    assert result.area_figure(2026, data_set["education"].pk).value == 1


def test_smb_lot_share_counts_tenders_with_at_least_one_smb_lot(data_set):
    result = indicators.smb_lot_share(YEARS)

    assert result.by_year[2025] == indicators.Figure(Decimal("50.0"), 1, 2)
    assert result.by_year[2026] == indicators.Figure(Decimal("66.7"), 2, 3)
    transport, education = data_set["transport"].pk, data_set["education"].pk
    assert result.area_figure(2025, transport) == indicators.Figure(Decimal("100.0"), 1, 1)
    assert result.area_figure(2025, education) == indicators.Figure(Decimal("0.0"), 0, 1)
    assert result.area_figure(2026, transport) == indicators.Figure(Decimal("50.0"), 1, 2)


def test_a_share_of_nothing_is_no_data_not_zero(db):
    result = indicators.smb_lot_share([2024])

    assert result.by_year[2024] == indicators.Figure(None, 0, 0)
    with translation_en():
        assert indicator_reports.format_value(result, result.by_year[2024]) == "no data"


def test_data_that_does_not_exist_yet_is_not_yet_available(db):
    all_of_them = indicators.all_indicators(YEARS)

    missing = [i.key for i in all_of_them if not i.available]
    assert missing == [
        "bids_share_smb",
        "bids_share_startup",
        "bids_share_akershus",
        "awards_share_smb",
        "awards_share_startup",
        "awards_share_akershus",
        "pilots_started",
        "pilots_scaled_up",
        "median_days_need_to_contract",
    ]
    assert all(i.by_year == {} and i.unavailable_reason for i in all_of_them if not i.available)


def test_report_years_run_from_the_first_publication_to_this_year(data_set):
    assert indicators.report_years(today=datetime.date(2027, 5, 1)) == (2025, 2026, 2027)


def test_report_years_without_data_is_this_year(db):
    assert indicators.report_years(today=datetime.date(2026, 5, 1)) == (2026,)


def test_summary_names_the_year_the_year_before_and_the_leading_area(data_set):
    with translation_en():
        result = indicators.needs_published(YEARS)
        text = indicator_reports.summary(result)

    assert text == (
        "Needs published in 2026: 3. In 2025: 2. Highest service area in 2026: Transport (2)."
    )


def test_bar_chart_scales_counts_to_a_round_maximum_and_shares_to_100(data_set):
    counts = indicator_reports.bar_chart(indicators.tenders_published(YEARS), height=240)
    shares = indicator_reports.bar_chart(indicators.smb_lot_share(YEARS), height=240)

    # plot height 240 - 24 - 32 = 184; counts scale to 5, shares to 100
    assert [bar.height for bar in counts.bars] == [round(184 * 2 / 5, 1), round(184 * 3 / 5, 1)]
    assert [bar.height for bar in shares.bars] == [92.0, round(184 * 0.667, 1)]
    assert [tick.label for tick in counts.ticks][-1] == "5"


def test_csv_matches_plain_orm_counts(data_set):
    with translation_en():
        text = indicator_reports.to_csv(indicators.all_indicators(YEARS))
    rows = list(csv.DictReader(io.StringIO(text)))

    def total(key, year):
        (row,) = [
            r
            for r in rows
            if r["indicator"] == key and r["year"] == str(year) and r["service_area_id"] == "all"
        ]
        return row

    for year in YEARS:
        start = datetime.datetime(year, 1, 1, tzinfo=OSLO)
        end = datetime.datetime(year + 1, 1, 1, tzinfo=OSLO)
        needs = (
            Need.objects.exclude(status="draft")
            .filter(published_at__gte=start, published_at__lt=end)
            .count()
        )
        tenders = Tender.objects.filter(
            source="own", published_at__gte=start, published_at__lt=end
        ).exclude(status="draft")
        with_smb = tenders.filter(lots__suitable_for_smb=True).distinct().count()
        assert total("needs_published", year)["value"] == str(needs)
        assert total("tenders_published", year)["value"] == str(tenders.count())
        smb_row = total("smb_lot_share", year)
        assert (smb_row["numerator"], smb_row["denominator"]) == (
            str(with_smb),
            str(tenders.count()),
        )
        assert Decimal(smb_row["value"]) == round(Decimal(with_smb * 100) / tenders.count(), 1)
        pilots = total("pilots_scaled_up", year)
        assert (pilots["status"], pilots["value"]) == ("not_yet_available", "")


def test_csv_has_a_row_per_service_area_and_year(data_set):
    with translation_en():
        text = indicator_reports.to_csv([indicators.needs_published(YEARS)])

    assert text.splitlines() == [
        "indicator,title,year,service_area_id,service_area,buyer,status,value,numerator,"
        "denominator,unit",
        "needs_published,Needs published,2025,all,All service areas,,ok,2,,,count",
        f"needs_published,Needs published,2025,{data_set['transport'].pk},Transport,"
        "Akershus fylkeskommune,ok,1,,,count",
        f"needs_published,Needs published,2025,{data_set['education'].pk},Education,"
        "Akershus fylkeskommune,ok,1,,,count",
        "needs_published,Needs published,2026,all,All service areas,,ok,3,,,count",
        f"needs_published,Needs published,2026,{data_set['transport'].pk},Transport,"
        "Akershus fylkeskommune,ok,2,,,count",
        f"needs_published,Needs published,2026,{data_set['education'].pk},Education,"
        "Akershus fylkeskommune,ok,1,,,count",
    ]


def test_json_gives_numbers_and_says_what_is_not_available(data_set):
    with translation_en():
        data = indicator_reports.to_json(indicators.all_indicators(YEARS))

    by_key = {item["key"]: item for item in data["indicators"]}
    smb = by_key["smb_lot_share"]
    assert smb["unit"] == "percent" and smb["available"] is True
    totals = [f for f in smb["figures"] if f["service_area_id"] == "all"]
    assert [(f["year"], f["value"], f["numerator"], f["denominator"]) for f in totals] == [
        (2025, 50.0, 1, 2),
        (2026, 66.7, 2, 3),
    ]
    median = by_key["median_days_need_to_contract"]
    assert median["available"] is False
    assert median["figures"] == []
    assert median["unavailable_reason"].startswith("Awards are not yet recorded")


def test_headline_indicators_are_this_years_needs_tenders_and_smb_share(data_set):
    headline = indicators.headline_indicators(2026)

    assert [(i.key, f.value) for i, f in headline] == [
        ("needs_published", 3),
        ("tenders_published", 3),
        ("smb_lot_share", Decimal("66.7")),
    ]


def test_computations_use_a_fixed_number_of_queries(data_set, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        indicators.all_indicators(YEARS)


# --- The page and its downloads --------------------------------------------------------------


@pytest.fixture
def indicators_page(db):
    from tests.factories import make_indicators_page

    return make_indicators_page()


def test_page_shows_each_figure_as_chart_table_summary_and_definition(
    client, data_set, indicators_page
):
    from tests.factories import translate

    english = translate(indicators_page, title="Indicators")

    response = client.get(english.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg class="indicator-chart__svg" role="img"') == 3
    assert 'aria-labelledby="chart-smb_lot_share-title chart-smb_lot_share-desc"' in html
    assert "<caption>Share of tenders with lots suitable for SMBs by service area and year" in html
    assert "2 of 3" in html and "66.7 %" in html
    assert "Definition:" in html
    # data that does not exist yet is said to be missing, not shown as zero
    assert html.count("Not yet available") == 9
    assert "Pilots scaled up" in html
    assert english.url + "indicators.csv" in html
    assert english.url + "indicators.json" in html


def test_page_in_bokmal_writes_decimals_the_norwegian_way(client, data_set, indicators_page):
    response = client.get(indicators_page.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "66,7" in html
    # numbers inside the SVG stay machine-readable
    assert 'height="110.4"' in html


def test_csv_download_matches_the_computation(client, data_set, indicators_page):
    from tests.factories import translate

    english = translate(indicators_page)

    response = client.get(english.url + "indicators.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    total = {(r["indicator"], r["year"]): r["value"] for r in rows if r["service_area_id"] == "all"}
    assert total[("needs_published", "2025")] == "2"
    assert total[("needs_published", "2026")] == "3"
    assert total[("tenders_published", "2026")] == "3"
    assert total[("smb_lot_share", "2026")] == "66.7"
    assert total[("pilots_started", "2026")] == ""


def test_json_download(client, data_set, indicators_page):
    response = client.get(indicators_page.url + "indicators.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    keys = [item["key"] for item in response.json()["indicators"]]
    assert keys[:3] == ["needs_published", "tenders_published", "smb_lot_share"]


def test_indicators_page_rules(db):
    from cms.models import HomePage, IndicatorsPage

    assert IndicatorsPage.allowed_parent_page_models() == [HomePage]
    assert IndicatorsPage.allowed_subpage_models() == []
