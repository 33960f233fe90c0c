"""The Atom feed of newly published tenders, with a CPV prefix filter."""

from __future__ import annotations

import datetime

import pytest
from defusedxml import ElementTree as ET
from django.utils import timezone

from tests.factories import TenderFactory, cpv_code

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def titles(response) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in entries(response)]


def test_feed_lists_published_tenders_newest_first(client, buyer, django_assert_max_num_queries):
    now = timezone.now()
    older = TenderFactory(
        buyer=buyer, published=True, title="Eldre", published_at=now - datetime.timedelta(days=3)
    )
    newer = TenderFactory(buyer=buyer, published=True, title="Nyere")
    TenderFactory(buyer=buyer, title="Utkast")
    TenderFactory(buyer=buyer, closed=True, title="Lukket")
    TenderFactory(external=True, title="Fra Doffin")

    with django_assert_max_num_queries(4):
        response = client.get("/konkurranser/feed.atom")

    assert titles(response) == ["Nyere", "Fra Doffin", "Eldre"]
    entry = entries(response)[0]
    assert (
        entry.find(f"{ATOM}link").get("href")
        == f"http://testserver/konkurranser/{newer.reference}/"
    )
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == newer.display_buyer
    assert older.reference


def test_feed_filters_by_cpv_prefix(client, buyer):
    software = cpv_code("72212000", "Programming services of application software")
    transport = cpv_code("60112000", "Public road transport services")
    TenderFactory(buyer=buyer, published=True, title="Programvare", main_cpv=software)
    TenderFactory(buyer=buyer, published=True, title="Skyss", main_cpv=transport)
    TenderFactory(buyer=buyer, published=True, title="Ekstra", additional_cpv=[software])

    assert sorted(titles(client.get("/konkurranser/feed.atom", {"cpv": "72"}))) == [
        "Ekstra",
        "Programvare",
    ]
    assert titles(client.get("/konkurranser/feed.atom", {"cpv": "6011"})) == ["Skyss"]
    assert client.get("/konkurranser/feed.atom", {"cpv": "it"}).status_code == 400
