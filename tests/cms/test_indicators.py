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

    roads_2025 = tender(transport, Tender.Status.PUBLISHED, at(2025, 5, 1), smb_lots=[True])
    tender(education, Tender.Status.CLOSED, at(2025, 9, 1), smb_lots=[False, False])
    roads_2026 = tender(transport, Tender.Status.PUBLISHED, at(2026, 1, 15))
    tender(transport, Tender.Status.CANCELLED, at(2026, 2, 15), smb_lots=[False, True])
    schools_2026 = tender(education, Tender.Status.AWARDED, at(2026, 3, 1), smb_lots=[True])
    tender(transport, Tender.Status.DRAFT, None, smb_lots=[True])
    TenderFactory(external=True, published_at=at(2026, 3, 3))
    return {
        "transport": transport,
        "education": education,
        "roads_2025": roads_2025,
        "roads_2026": roads_2026,
        "schools_2026": schools_2026,
    }


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


def test_every_indicator_is_computed_from_the_data(db):
    all_of_them = indicators.all_indicators(YEARS)

    assert [i.key for i in all_of_them if not i.available] == []
    counts = [i for i in all_of_them if i.kind == indicators.Kind.COUNT]
    shares = [i for i in all_of_them if i.kind == indicators.Kind.PERCENT]
    # nothing happened: counts are zero, shares and medians have no data (never 0 %)
    assert all(f == indicators.Figure(0) for i in counts for f in i.by_year.values())
    assert all(f.value is None for i in shares for f in i.by_year.values())
    median = indicators.median_days_need_to_contract(YEARS)
    assert median.by_year == {2025: indicators.Figure(None), 2026: indicators.Figure(None)}


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
        assert (pilots["status"], pilots["value"]) == ("ok", "0")


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
    assert median["available"] is True and median["unit"] == "days"
    assert [f["value"] for f in median["figures"] if f["service_area_id"] == "all"] == [None, None]


def test_headline_indicators_are_this_years_needs_tenders_and_smb_share(data_set):
    headline = indicators.headline_indicators(2026)

    assert [(i.key, f.value) for i, f in headline] == [
        ("needs_published", 3),
        ("tenders_published", 3),
        ("smb_lot_share", Decimal("66.7")),
    ]


def test_computations_use_a_fixed_number_of_queries(market_data, django_assert_max_num_queries):
    # at most two per indicator (its rows, its service areas), whatever the amount of data
    with django_assert_max_num_queries(24):
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
    assert html.count('<svg class="indicator-chart__svg" role="img"') == 12
    assert 'aria-labelledby="chart-smb_lot_share-title chart-smb_lot_share-desc"' in html
    assert "<caption>Share of tenders with lots suitable for SMBs by service area and year" in html
    assert "2 of 3" in html and "66.7 %" in html
    assert "Definition:" in html
    assert "Not yet available" not in html
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
    assert total[("pilots_started", "2026")] == "0"


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


# --- Bids, awards, pilots and the time from need to contract --------------------------------
#
# Suppliers: Alfa (micro, startup, Lillestrøm in Akershus), Beta (large, established, Oslo),
# Gamma (small, scale-up, Bærum in Akershus), Delta (no profile).
#
# bids   2025 roads_2025 (Samferdsel): Alfa, Beta, Delta v2 (v1 replaced); Gamma withdrawn,
#             Alfa's draft elsewhere                           → 3: SMB 1, startup 1, Akershus 1
#        2026 schools_2026 (Utdanning): Alfa, Gamma; roads_2026 (Samferdsel): Beta, Gamma
#             (Gamma's sent 31 Dec 2025 23:30 UTC = 2026 in Oslo) → 4: SMB 3, startup 1, Akershus 3
# awards 2025 roads_2025: Alfa (Beta's award on the same lot withdrawn) → 1: all groups 1
#        2026 schools_2026: Gamma, signed 1 May; roads_2026: Beta, signed 1 Mar
#                                                     → 2: SMB 1, startup 0, Akershus 1
# need → contract 2026: schools (need published 1 Jan 2026 Oslo) 120 days; roads (need
#        published 1 Feb 2026) 28 days → median 74.0
# pilots started 2025: P1, P4, P5; 2026: P2 (P3 still planned)
# pilots scaled up 2025: P5 (decided 31 Dec 23:30 Oslo); 2026: P1


@pytest.fixture
def market_data(data_set):
    from marketplace.models.profiles import EmployeeBand, Stage, SupplierProfile
    from pilots.models import Pilot
    from tests.factories import SupplierFactory, municipality
    from tests.factories.pilots import PilotFactory, make_award, make_bid

    def supplier(name, employees=None, stage="", place=None):
        organisation = SupplierFactory(name=name)
        if employees:
            SupplierProfile.objects.create(
                organisation=organisation, employee_band=employees, stage=stage, municipality=place
            )
        return organisation

    lillestrom = municipality("3205", "Lillestrøm")
    baerum = municipality("3201", "Bærum")
    oslo = municipality("0301", "Oslo", county_number="03", county_name="Oslo")
    alfa = supplier("Alfa AS", EmployeeBand.UNDER_10, Stage.STARTUP, lillestrom)
    beta = supplier("Beta ASA", EmployeeBand.OVER_250, Stage.ESTABLISHED, oslo)
    gamma = supplier("Gamma AS", EmployeeBand.UNDER_50, Stage.SCALEUP, baerum)
    delta = supplier("Delta AS")

    roads_2025 = data_set["roads_2025"]
    roads_2026 = data_set["roads_2026"]
    schools_2026 = data_set["schools_2026"]

    make_bid(tender=roads_2025, supplier=alfa, submitted_at=at(2025, 5, 10))
    make_bid(tender=roads_2025, supplier=beta, submitted_at=at(2025, 5, 11))
    make_bid(tender=roads_2025, supplier=delta, status="replaced", submitted_at=at(2025, 5, 9))
    make_bid(tender=roads_2025, supplier=delta, version=2, submitted_at=at(2025, 5, 12))
    make_bid(tender=roads_2025, supplier=gamma, status="withdrawn", submitted_at=at(2025, 5, 9))
    make_bid(tender=roads_2026, supplier=alfa, status="draft")
    make_bid(tender=schools_2026, supplier=alfa, submitted_at=at(2026, 3, 10))
    make_bid(tender=schools_2026, supplier=gamma, submitted_at=at(2026, 3, 11))
    make_bid(tender=roads_2026, supplier=beta, submitted_at=at(2026, 1, 20))
    make_bid(tender=roads_2026, supplier=gamma, submitted_at=at(2025, 12, 31, 23, 30))

    make_award(tender=roads_2025, supplier=beta, decided_at=at(2025, 5, 30), status="withdrawn")
    award_alfa = make_award(tender=roads_2025, supplier=alfa, decided_at=at(2025, 6, 1))
    award_gamma = make_award(
        tender=schools_2026,
        supplier=gamma,
        decided_at=at(2026, 4, 1),
        contract_signed_at=at(2026, 5, 1),
    )
    make_award(
        tender=roads_2026,
        supplier=beta,
        decided_at=at(2026, 2, 10),
        contract_signed_at=at(2026, 3, 1),
    )
    needs = Need.objects.filter(buyer=roads_2025.buyer)
    Tender.objects.filter(pk=schools_2026.pk).update(
        need=needs.get(published_at=at(2025, 12, 31, 23, 30))
    )
    Tender.objects.filter(pk=roads_2026.pk).update(need=needs.get(published_at=at(2026, 2, 1)))

    def pilot(tender, supplier, status, starts_on, outcome="", decided_at=None, award=None):
        return PilotFactory(
            tender=tender,
            supplier=supplier,
            award=award,
            status=status,
            starts_on=starts_on,
            ends_on=None,
            outcome=outcome,
            decided_at=decided_at,
        )

    decided = Pilot.Status.DECIDED
    pilot(
        roads_2025,
        alfa,
        decided,
        datetime.date(2025, 8, 1),
        "scaled_up",
        at(2026, 1, 10),
        award=award_alfa,
    )
    pilot(schools_2026, gamma, Pilot.Status.RUNNING, datetime.date(2026, 5, 15), award=award_gamma)
    pilot(roads_2026, beta, Pilot.Status.PLANNED, datetime.date(2026, 9, 1))
    pilot(
        roads_2026, beta, decided, datetime.date(2025, 9, 1), "continued", at(2025, 12, 31, 23, 30)
    )
    pilot(
        roads_2025, delta, decided, datetime.date(2025, 3, 1), "scaled_up", at(2025, 12, 31, 22, 30)
    )
    return data_set


def _shares(indicator):
    return {year: (f.value, f.numerator, f.denominator) for year, f in indicator.by_year.items()}


D = Decimal


def test_bids_share_counts_the_bids_in_force(market_data):
    smb = indicators.group_share(YEARS, of="bids", group="smb")
    startup = indicators.group_share(YEARS, of="bids", group="startup")
    akershus = indicators.group_share(YEARS, of="bids", group="akershus")

    assert _shares(smb) == {2025: (D("33.3"), 1, 3), 2026: (D("75.0"), 3, 4)}
    assert _shares(startup) == {2025: (D("33.3"), 1, 3), 2026: (D("25.0"), 1, 4)}
    assert _shares(akershus) == {2025: (D("33.3"), 1, 3), 2026: (D("75.0"), 3, 4)}
    transport, education = market_data["transport"].pk, market_data["education"].pk
    assert smb.area_figure(2026, education) == indicators.Figure(D("100.0"), 2, 2)
    assert smb.area_figure(2026, transport) == indicators.Figure(D("50.0"), 1, 2)


def test_awards_share_counts_decisions_in_force(market_data):
    assert _shares(indicators.group_share(YEARS, of="awards", group="smb")) == {
        2025: (D("100.0"), 1, 1),
        2026: (D("50.0"), 1, 2),
    }
    assert _shares(indicators.group_share(YEARS, of="awards", group="startup")) == {
        2025: (D("100.0"), 1, 1),
        2026: (D("0.0"), 0, 2),
    }
    assert _shares(indicators.group_share(YEARS, of="awards", group="akershus")) == {
        2025: (D("100.0"), 1, 1),
        2026: (D("50.0"), 1, 2),
    }


def test_pilots_started_and_scaled_up(market_data):
    started = indicators.pilots_started(YEARS)
    scaled = indicators.pilots_scaled_up(YEARS)

    assert {y: f.value for y, f in started.by_year.items()} == {2025: 3, 2026: 1}
    assert {y: f.value for y, f in scaled.by_year.items()} == {2025: 1, 2026: 1}
    transport, education = market_data["transport"].pk, market_data["education"].pk
    assert started.area_figure(2025, transport).value == 3
    assert started.area_figure(2026, education).value == 1
    assert scaled.area_figure(2026, transport).value == 1


def test_median_days_from_need_to_contract(market_data):
    result = indicators.median_days_need_to_contract(YEARS)

    assert result.by_year == {2025: indicators.Figure(None), 2026: indicators.Figure(D("74.0"))}
    transport, education = market_data["transport"].pk, market_data["education"].pk
    assert result.area_figure(2026, education).value == D("120.0")
    assert result.area_figure(2026, transport).value == D("28.0")


def test_csv_of_bids_awards_pilots_matches_plain_queries(market_data):
    import statistics

    from bids.models import AwardDecision, Bid
    from pilots.models import Pilot

    with translation_en():
        text = indicator_reports.to_csv(indicators.all_indicators(YEARS))
    rows = {
        (r["indicator"], r["year"]): r
        for r in csv.DictReader(io.StringIO(text))
        if r["service_area_id"] == "all"
    }
    groups = {
        "smb": {"profile__sme_category__in": ["micro", "small", "medium"]},
        "startup": {"profile__stage": "startup"},
        "akershus": {"profile__municipality__county__number": "32"},
    }
    for year in YEARS:
        start = datetime.datetime(year, 1, 1, tzinfo=OSLO)
        end = datetime.datetime(year + 1, 1, 1, tzinfo=OSLO)
        bids = Bid.objects.filter(status="submitted", submitted_at__gte=start, submitted_at__lt=end)
        awards = AwardDecision.objects.filter(
            status="active", decided_at__gte=start, decided_at__lt=end
        )
        for group, lookup in groups.items():
            in_group = {f"supplier__{key}": value for key, value in lookup.items()}
            row = rows[(f"bids_share_{group}", str(year))]
            assert (row["numerator"], row["denominator"]) == (
                str(bids.filter(**in_group).count()),
                str(bids.count()),
            )
            won = {f"bid__supplier__{key}": value for key, value in lookup.items()}
            row = rows[(f"awards_share_{group}", str(year))]
            assert (row["numerator"], row["denominator"]) == (
                str(awards.filter(**won).count()),
                str(awards.count()),
            )
        started = Pilot.objects.exclude(status="planned").filter(starts_on__year=year).count()
        scaled = Pilot.objects.filter(
            outcome="scaled_up", decided_at__gte=start, decided_at__lt=end
        ).count()
        assert rows[("pilots_started", str(year))]["value"] == str(started)
        assert rows[("pilots_scaled_up", str(year))]["value"] == str(scaled)
        days = [
            (
                award.contract_signed_at.astimezone(OSLO).date()
                - award.tender.need.published_at.astimezone(OSLO).date()
            ).days
            for award in awards.model.objects.filter(
                status="active",
                contract_signed_at__gte=start,
                contract_signed_at__lt=end,
                tender__need__isnull=False,
            )
        ]
        expected = f"{statistics.median(days):.1f}" if days else ""
        assert rows[("median_days_need_to_contract", str(year))]["value"] == expected
