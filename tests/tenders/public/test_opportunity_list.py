"""The public opportunity listing: filters, sorting, pagination, badges and the empty state."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import BuyerFactory, OrganisationUnitFactory
from tests.factories.tenders import LotFactory, NeedFactory, TenderFactory
from tests.html_helpers import parse

pytestmark = pytest.mark.django_db

URL = "/en/konkurranser/"
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def titles(response) -> list[str]:
    page = parse(response)
    return [node.text for node in page.select("h3") if node.parent.tag == "li"]


def listed(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return titles(response)


# -- what is listed ---------------------------------------------------------------------------


def test_lists_open_tenders_by_default_and_never_drafts(client):
    TenderFactory(published=True, title="Open own")
    TenderFactory(external=True, title="Open from Doffin")
    TenderFactory(title="A draft")
    TenderFactory(closed=True, title="Closed")
    TenderFactory(
        published=True,
        title="Past its deadline, not closed yet",
        question_deadline=timezone.now() - datetime.timedelta(days=3),
        submission_deadline=timezone.now() - datetime.timedelta(hours=1),
    )

    assert sorted(listed(client)) == ["Open from Doffin", "Open own"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("open", ["Open"]),
        ("closed", ["Closed", "In evaluation", "Past its deadline"]),
        ("cancelled", ["Cancelled"]),
        ("all", ["Cancelled", "Closed", "In evaluation", "Open", "Past its deadline"]),
    ],
)
def test_status_filter(client, status, expected):
    TenderFactory(published=True, title="Open")
    TenderFactory(closed=True, title="Closed")
    TenderFactory(in_evaluation=True, title="In evaluation")
    TenderFactory(cancelled=True, title="Cancelled")
    TenderFactory(title="Draft")
    TenderFactory(
        published=True,
        title="Past its deadline",
        question_deadline=timezone.now() - datetime.timedelta(days=3),
        submission_deadline=timezone.now() - datetime.timedelta(hours=1),
    )

    assert sorted(listed(client, status=status)) == expected


def test_text_search_matches_every_word_in_title_description_reference_or_buyer(client):
    buyer = BuyerFactory(name="Akershus fylkeskommune")
    TenderFactory(published=True, buyer=buyer, title="Snow clearing on county roads")
    TenderFactory(published=True, title="School meals", description="<p>Fresh lunch</p>")
    other = TenderFactory(published=True, title="Printer paper")

    assert listed(client, q="snow akershus") == ["Snow clearing on county roads"]
    assert listed(client, q="LUNCH") == ["School meals"]
    assert listed(client, q=other.reference) == ["Printer paper"]
    assert listed(client, q="snow lunch") == []


def test_cpv_filter_includes_descendants_in_main_additional_and_lot_codes(client, cpv):
    TenderFactory(published=True, title="Main", main_cpv=cpv["72212000"])
    TenderFactory(published=True, title="Additional", additional_cpv=[cpv["72212000"]])
    in_lot = TenderFactory(published=True, title="In a lot", main_cpv=cpv["45000000"])
    LotFactory(tender=in_lot, number=1, cpv_codes=[cpv["72000000"]])
    TenderFactory(published=True, title="Construction", main_cpv=cpv["45000000"])

    assert sorted(listed(client, cpv="72000000")) == ["Additional", "In a lot", "Main"]
    assert sorted(listed(client, cpv="72212000-8, 45000000")) == [
        "Additional",
        "Construction",
        "In a lot",
        "Main",
    ]


def test_unknown_cpv_code_is_a_field_error_tied_to_the_field(client, cpv):
    TenderFactory(published=True, title="Anything")

    page = parse(client.get(URL, {"cpv": "99999999, abc"}))

    error = page.first("div", id="id_cpv_error")
    assert "“abc” is not a CPV code" in error.text
    assert "id_cpv_error" in page.first("input", name="cpv").get("aria-describedby")


def test_unknown_cpv_code_error_in_bokmal(client, cpv, bokmal):
    page = parse(client.get("/konkurranser/", {"cpv": "99999999"}))

    assert page.first("div", id="id_cpv_error").text == "Ukjent CPV-kode: 99999999."


def test_service_area_municipality_procedure_and_band(client, places):
    buyer = BuyerFactory()
    transport = OrganisationUnitFactory(organisation=buyer, name="Samferdsel", name_en="Transport")
    education = OrganisationUnitFactory(organisation=buyer, name="Utdanning", name_en="Education")
    TenderFactory(
        published=True,
        title="Roads",
        buyer=buyer,
        unit=transport,
        municipalities=[places["baerum"]],
        procedure="restricted",
        threshold_band="eea",
    )
    schools = TenderFactory(
        published=True, title="Schools", buyer=buyer, unit=education, threshold_band="national"
    )
    LotFactory(tender=schools, number=1, municipalities=[places["asker"]])

    assert listed(client, service_area=transport.pk) == ["Roads"]
    assert listed(client, municipality="3203") == ["Schools"]
    assert listed(client, municipality="3201") == ["Roads"]
    assert listed(client, procedure="restricted") == ["Roads"]
    assert sorted(listed(client, threshold_band=["eea", "national"])) == ["Roads", "Schools"]
    assert listed(client, threshold_band="national") == ["Schools"]


def test_value_range(client):
    TenderFactory(published=True, title="Small", estimated_value=Decimal("90000"))
    TenderFactory(published=True, title="Medium", estimated_value=Decimal("1500000"))
    TenderFactory(published=True, title="Large", estimated_value=Decimal("60000000"))

    assert listed(client, value_min="100000", value_max="2000000") == ["Medium"]
    assert sorted(listed(client, value_min="1500000")) == ["Large", "Medium"]


def test_value_range_upside_down_is_an_error_on_the_upper_field(client):
    page = parse(client.get(URL, {"value_min": "500", "value_max": "100"}))

    assert "at least the lowest value" in page.first("div", id="id_value_max_error").text


def test_deadline_window_is_whole_days_in_oslo_time(client):
    day = (timezone.now() + datetime.timedelta(days=40)).astimezone(OSLO).date()
    late_on_the_day = datetime.datetime.combine(day, datetime.time(23, 30), tzinfo=OSLO)
    next_morning = late_on_the_day + datetime.timedelta(hours=1)
    TenderFactory(published=True, title="Late on the day", submission_deadline=late_on_the_day)
    TenderFactory(published=True, title="Next morning", submission_deadline=next_morning)

    assert listed(client, deadline_from=day.isoformat(), deadline_to=day.isoformat()) == [
        "Late on the day"
    ]
    following = (day + datetime.timedelta(days=1)).isoformat()
    assert listed(client, deadline_from=following) == ["Next morning"]


def test_smb_lots_pilot_and_source(client):
    with_smb = TenderFactory(published=True, title="SMB lots")
    LotFactory(tender=with_smb, number=1, suitable_for_smb=True)
    LotFactory(tender=with_smb, number=2, suitable_for_smb=False)
    no_smb = TenderFactory(published=True, title="No SMB lots")
    LotFactory(tender=no_smb, number=1, suitable_for_smb=False)
    TenderFactory(published=True, title="Pilot tender", is_pilot=True)
    need = NeedFactory(open=True, pilot=True)
    TenderFactory(published=True, title="From a pilot need", need=need, buyer=need.buyer)
    TenderFactory(external=True, title="Doffin")

    assert listed(client, smb_lots="on") == ["SMB lots"]
    assert sorted(listed(client, pilot="on")) == ["From a pilot need", "Pilot tender"]
    assert listed(client, source="doffin") == ["Doffin"]
    assert "Doffin" not in listed(client, source="own")


# -- order and pages --------------------------------------------------------------------------


def test_sorting(client):
    now = timezone.now()
    questions_until = now + datetime.timedelta(days=5)
    TenderFactory(
        published=True,
        title="B later deadline",
        question_deadline=questions_until,
        submission_deadline=now + datetime.timedelta(days=30),
        published_at=now - datetime.timedelta(days=1),
        estimated_value=Decimal("100"),
    )
    TenderFactory(
        published=True,
        title="A soon deadline",
        question_deadline=questions_until,
        submission_deadline=now + datetime.timedelta(days=10),
        published_at=now - datetime.timedelta(days=5),
        estimated_value=None,
    )
    TenderFactory(
        published=True,
        title="C middle",
        question_deadline=questions_until,
        submission_deadline=now + datetime.timedelta(days=20),
        published_at=now - datetime.timedelta(days=3),
        estimated_value=Decimal("900"),
    )

    assert listed(client) == ["A soon deadline", "C middle", "B later deadline"]
    assert listed(client, sort="newest") == ["B later deadline", "C middle", "A soon deadline"]
    assert listed(client, sort="value") == ["C middle", "B later deadline", "A soon deadline"]
    assert listed(client, sort="title") == ["A soon deadline", "B later deadline", "C middle"]


def test_pagination_keeps_the_filters(client):
    for number in range(23):
        TenderFactory(published=True, title=f"Pilot {number:02d}", is_pilot=True)
    TenderFactory(published=True, title="Not a pilot")

    first = client.get(URL, {"pilot": "on", "sort": "title"})
    second = client.get(URL, {"pilot": "on", "sort": "title", "page": "2"})

    assert len(titles(first)) == 20
    assert titles(second) == ["Pilot 20", "Pilot 21", "Pilot 22"]
    page = parse(first)
    nav = page.first("nav", aria_label="Pages of tenders")
    next_link = nav.first("a", rel="next")
    assert "pilot=on" in next_link.get("href") and "page=2" in next_link.get("href")
    assert "23 tenders" in page.first("h2", id="results-heading").text


# -- badges and the empty state ---------------------------------------------------------------


def test_badges_in_the_list(client):
    now = timezone.now()
    soon = TenderFactory(
        published=True,
        title="Soon",
        is_pilot=True,
        question_deadline=now + datetime.timedelta(days=1),
        submission_deadline=now + datetime.timedelta(days=3, hours=2),
    )
    LotFactory(tender=soon, number=1, suitable_for_smb=True)
    TenderFactory(external=True, title="From Doffin")

    page = parse(client.get(URL))

    cards = {card.first("h3").text: card for card in page.select("li", class_="opportunity-card")}
    soon_badges = [tag.text for tag in cards["Soon"].select("span", class_="ds-tag")]
    assert soon_badges == ["Closes in 3 days", "Pilot", "SMB-friendly lots"]
    assert [tag.text for tag in cards["From Doffin"].select("span", class_="ds-tag")] == ["Doffin"]


@pytest.mark.parametrize("params", [{}, {"q": "", "status": "open", "sort": "deadline"}])
def test_empty_state_without_filters_offers_earlier_tenders(client, params):
    page = parse(client.get(URL, params))

    assert "There are no tenders open for bids right now." in page.first("main").text
    assert page.first("a", href="?status=all" if not params else "?q=&status=all&sort=deadline")


def test_empty_state_with_filters_offers_to_clear_them(client):
    TenderFactory(published=True, title="Something")

    page = parse(client.get(URL, {"q": "nothing-like-this"}))

    assert "No tenders match what you asked for." in page.first("main").text
    results = page.first("section", class_="opportunities__results")
    assert results.first("a", href="/en/konkurranser/").text == "Clear all filters"


def test_listing_in_bokmal(client, bokmal):
    TenderFactory(published=True, title="Brøyting", is_pilot=True)

    page = parse(client.get("/konkurranser/"))

    assert page.first("h1").text == "Muligheter"
    assert "1 konkurranse" in page.first("h2", id="results-heading").text
    assert [tag.text for tag in page.select("span", class_="ds-tag")] == ["Pilot"]


# -- queries ----------------------------------------------------------------------------------


def _many_tenders(count: int, cpv, places) -> None:
    for number in range(count):
        tender = TenderFactory(
            published=True,
            title=f"Tender {number}",
            main_cpv=cpv["72212000"],
            additional_cpv=[cpv["48000000"]],
            municipalities=[places["asker"]],
            is_pilot=number % 2 == 0,
        )
        LotFactory(tender=tender, number=1, suitable_for_smb=True, cpv_codes=[cpv["72000000"]])
    TenderFactory(external=True)


def test_query_count_does_not_grow_with_the_number_of_tenders(
    client, cpv, places, django_assert_max_num_queries
):
    _many_tenders(30, cpv, places)

    with django_assert_max_num_queries(6):
        response = client.get(URL, {"cpv": "72000000", "smb_lots": "on", "sort": "value"})

    assert len(titles(response)) == 20


@pytest.mark.parametrize("sort", ["", "newest", "value", "title"])
def test_on_postgresql_each_order_reads_its_page_from_an_index_without_sorting(rf, sort):
    """The page of twenty comes off an index in the list's order, so the database stops after
    it instead of sorting every open tender (tenders/migrations/0003)."""
    from django.db import connection, transaction

    from tenders.filters.public import OpportunityFilter
    from tenders.selectors.public import public_tenders

    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's; SQLite has the deadline and title indexes only")
    TenderFactory.create_batch(3, published=True)
    request = rf.get("/konkurranser/", {"sort": sort} if sort else {})
    filterset = OpportunityFilter(request.GET, queryset=public_tenders(), request=request)
    page = filterset.qs[20:40]
    with transaction.atomic(), connection.cursor() as cursor:
        # With so few rows a scan and a sort would be cheapest; price both out of reach to
        # see whether an index can give the order (a sort stays in the plan if none can).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        plan = page.explain()
    assert "Sort" not in plan, plan
