"""Nothing the public can fetch moves when a bid arrives on a tender still open for bids.

Every public data surface that could show a bid — OCDS releases and records, the Atom feed, the
sitemap, the API's tenders and suppliers, the tender pages, site search and the supplier
directory — is fetched before and after ``bid_submit`` and must answer the same bytes, once what
changes with every request is taken out (CSP nonce, CSRF token, an OCDS package's
``publishedDate``). The cache is emptied before every fetch.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.utils.html import escape

from tenders.ocds.store import releases_publish_all
from tests.factories import ListedSupplierProfileFactory
from tests.factories.bids import submitted_bid, supplier_member, tender_ready_for_bids

pytestmark = pytest.mark.django_db

_PER_REQUEST = re.compile(
    rb'(nonce=|csrfmiddlewaretoken" value=|csrf-token" content=|"publishedDate": )"[^"]*"'
)


def _snapshot(client, paths: list[str]) -> dict[str, tuple[int, bytes]]:
    answers = {}
    for path in paths:
        cache.clear()
        response = client.get(path)
        answers[path] = (response.status_code, _PER_REQUEST.sub(rb'\1""', response.content))
    return answers


def test_public_surfaces_answer_the_same_bytes_before_and_after_a_sealed_bid(
    client, buyer, buyer_unit
):
    tender = tender_ready_for_bids(buyer=buyer, unit=buyer_unit, lots=1)
    firm = ListedSupplierProfileFactory().organisation
    paths = [
        "/ocds/releases.json",
        "/ocds/records.json",
        "/konkurranser/feed.atom",
        "/sitemap.xml",
        "/api/tenders/",
        f"/api/tenders/{tender.reference}/",
        f"/api/suppliers/{firm.slug}/",
        "/konkurranser/",
        f"/konkurranser/{tender.reference}/",
        f"/sok/?q={tender.reference}",
        "/leverandorer/",
    ]
    releases_publish_all()  # the tender's OCDS releases, as its events or the daily run write them
    before = _snapshot(client, paths)
    assert {path: status for path, (status, _body) in before.items()} == dict.fromkeys(paths, 200)
    assert tender.reference.encode() in before["/ocds/releases.json"][1]
    # a generated name such as "Madsen & co." reads "Madsen &amp; co." in HTML
    assert escape(firm.name).encode() in before["/leverandorer/"][1]

    submitted_bid(tender=tender, supplier=firm, by=supplier_member(firm))
    releases_publish_all()  # a sealed bid changes nothing public: no new release

    after = _snapshot(client, paths)
    changed = [path for path in paths if after[path] != before[path]]
    assert changed == []
