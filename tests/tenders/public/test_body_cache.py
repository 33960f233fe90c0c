"""Issue 14: the parts of the tender page that are the same for every reader (facts, lots,
criteria, requirements, documents, history) are kept in the cache for signed-in readers too,
under the page cache's generation (tenders/views/public.py). What a person sees of their own
(follow, bid button, their questions) is never taken from it, and a supplier's partner links
are kept apart from everyone else's."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.page_cache import page_cache_invalidate
from tenders.models import Lot, Tender
from tenders.views.public import _body_lifetime
from tests.factories import LotFactory, TenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_MAX_AGE = 60
    with django_capture_on_commit_callbacks(execute=True):
        page_cache_invalidate()


def _url(tender) -> str:
    return reverse("tenders:tender_detail", kwargs={"reference": tender.reference})


def _published_with_lot(buyer, buyer_unit) -> tuple[Tender, Lot]:
    tender = TenderFactory(buyer=buyer, unit=buyer_unit, published=True)
    return tender, LotFactory(tender=tender, number=1, title="Første delkontrakt")


def test_a_second_reader_gets_the_kept_body_until_an_event_ends_it(
    page_cache, supplier_client, buyer, buyer_unit, django_capture_on_commit_callbacks
):
    # given a page rendered once for a supplier and once for an anonymous visitor with a query
    # string (the page cache does not keep that page; the body is kept all the same)
    tender, lot = _published_with_lot(buyer, buyer_unit)
    assert "Første delkontrakt" in supplier_client.get(_url(tender)).content.decode()
    assert "Første delkontrakt" in Client().get(_url(tender) + "?x=1").content.decode()

    # when the lot changes without an event (a row written by hand)
    Lot.objects.filter(pk=lot.pk).update(title="Endret uten hendelse")

    # then the next readers still get the kept body
    assert "Første delkontrakt" in supplier_client.get(_url(tender)).content.decode()
    assert "Første delkontrakt" in Client().get(_url(tender) + "?x=2").content.decode()

    # and once an event replaces the generation, everyone reads the change
    with django_capture_on_commit_callbacks(execute=True):
        page_cache_invalidate()
    assert "Endret uten hendelse" in supplier_client.get(_url(tender)).content.decode()
    assert "Endret uten hendelse" in Client().get(_url(tender) + "?x=3").content.decode()


def test_partner_links_are_kept_apart_from_the_anonymous_body(
    page_cache, supplier_client, buyer, buyer_unit
):
    tender, lot = _published_with_lot(buyer, buyer_unit)
    partners = reverse("matching:lot_partners", kwargs={"pk": lot.pk})

    # the anonymous body is made first; the supplier still gets the links, the visitor never
    assert partners not in Client().get(_url(tender) + "?x=1").content.decode()
    assert partners in supplier_client.get(_url(tender)).content.decode()
    assert partners not in Client().get(_url(tender) + "?x=2").content.decode()


def test_the_personal_parts_are_not_kept(page_cache, supplier_client, buyer, buyer_unit):
    tender, _lot = _published_with_lot(buyer, buyer_unit)
    bid_start = reverse("bids:supplier_bid_start", kwargs={"reference": tender.reference})

    assert bid_start in supplier_client.get(_url(tender)).content.decode()
    page = Client().get(_url(tender) + "?x=1").content.decode()
    assert bid_start not in page
    assert "csrfmiddlewaretoken" not in page


def test_drafts_are_never_kept(page_cache, buyer_client, buyer, buyer_unit):
    tender = TenderFactory(buyer=buyer, unit=buyer_unit)
    lot = LotFactory(tender=tender, number=1, title="Utkastets delkontrakt")
    assert tender.status == Tender.Status.DRAFT
    assert "Utkastets delkontrakt" in buyer_client.get(_url(tender)).content.decode()

    Lot.objects.filter(pk=lot.pk).update(title="Redigert utkast")

    assert "Redigert utkast" in buyer_client.get(_url(tender)).content.decode()


def test_a_body_is_kept_no_longer_than_the_page_cache_and_never_past_the_deadline(settings):
    settings.PAGE_CACHE_MAX_AGE = 60
    now = timezone.now()
    tender = Tender(submission_deadline=now + datetime.timedelta(seconds=20))
    assert _body_lifetime(tender, now) == pytest.approx(20)
    tender.submission_deadline = now + datetime.timedelta(days=3)
    assert _body_lifetime(tender, now) == 60
    tender.submission_deadline = now - datetime.timedelta(days=3)
    assert _body_lifetime(tender, now) == 60
    tender.submission_deadline = None
    assert _body_lifetime(tender, now) == 60
