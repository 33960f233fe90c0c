"""Query budgets of the busiest pages (issue 14): each page answers in a fixed number of queries,
whatever the number of tenders, lots, codes, documents and suppliers behind it.

The data is realistic enough for an N+1 to show: 30 published tenders with lots, CPV codes,
places, criteria, documents, amendments and answered questions, and a dozen listed suppliers
with profiles. Every request goes through the whole stack (middleware, context processors,
template tags), signed in or not, as a visitor's would.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.urls import reverse

from marketplace.models import Role
from marketplace.page_cache import page_cache_invalidate
from matching.selectors.facts import facts_of, text_of
from tenders.models import Tender
from tenders.selectors.buyer import tender_for_buyer
from tests.factories import (
    AmendmentFactory,
    BuyerFactory,
    ListedSupplierProfileFactory,
    LotFactory,
    MembershipFactory,
    QualificationRequirementFactory,
    QuestionFactory,
    SupplierFactory,
    TenderDocumentFactory,
    TenderFactory,
    cpv_code,
    municipality,
)
from tests.factories.pages import make_home_page

pytestmark = pytest.mark.django_db

TENDERS = 30
SUPPLIERS = 12

TENDER_DETAIL = 8
# Signed in: the user and their facts, the tender's row and relations (or its published Q&A when
# the page's shared parts come from the cache), whether they follow it, their own unpublished
# questions and the organisations the question form speaks for.
TENDER_DETAIL_SIGNED_IN = 7
HOME = 10
OPPORTUNITIES = 10
SUPPLIER_DIRECTORY = 10
# The user and their facts (TOTP with them), the memberships and their organisations.
DASHBOARD = 4
EXPLAINED_MATCH = 15


@pytest.fixture
def catalogue(buyer, buyer_unit):
    """Tenders with everything their pages show, and listed suppliers that match them."""
    codes = [
        cpv_code("72000000", "IT services", "IT-tjenester"),
        cpv_code("72200000", "Software programming and consultancy services"),
        cpv_code("72212000", "Programming services of application software"),
        cpv_code("48000000", "Software package and information systems"),
        cpv_code("90500000", "Refuse and waste related services", "Avfallstjenester"),
    ]
    places = [
        municipality("3201", "Bærum"),
        municipality("3203", "Asker"),
        municipality("3205", "Lillestrøm"),
    ]
    tenders = []
    for n in range(TENDERS):
        tender = TenderFactory(
            buyer=buyer,
            unit=buyer_unit,
            published=True,
            main_cpv=codes[n % 3],
            title=f"Programvare for drift {n}",
            additional_cpv=codes[3:],
            municipalities=places,
            is_pilot=n % 5 == 0,
            criteria=[60, 40],
        )
        for number in (1, 2, 3):
            LotFactory(
                tender=tender,
                number=number,
                cpv_codes=codes[:2],
                municipalities=places[:2],
                suitable_for_smb=number == 1,
            )
        tenders.append(tender)
    tender = tenders[0]
    for _ in range(3):
        TenderDocumentFactory(tender=tender)
        QualificationRequirementFactory(tender=tender)
        QuestionFactory(tender=tender, answered=True)
    for number in (1, 2):
        AmendmentFactory(tender=tender, number=number)
    for n in range(SUPPLIERS):
        ListedSupplierProfileFactory(
            organisation=SupplierFactory(name=f"Programvarehuset {n} AS"),
            cpv_codes=codes[n % 3 : n % 3 + 2],
            delivery_municipalities=places[:2],
            stage="startup",
            employee_band="1-9",
            open_to_pilots=True,
            description_nb="Vi utvikler programvare for kommuner.",
            description_en="We build software for municipalities.",
        )
    return tenders


@pytest.fixture
def listed_supplier_client(client, supplier, supplier_admin, catalogue):
    """The ``supplier`` fixture's admin, with a listed profile like the others."""
    ListedSupplierProfileFactory(
        organisation=supplier,
        cpv_codes=[catalogue[0].main_cpv],
        stage="startup",
        employee_band="1-9",
    )
    client.force_login(supplier_admin)
    return client


# Signed in, the user and what is read about them once per request (memberships, groups, the
# Wagtail-admin permission and the header's unread count: marketplace.policy.user_facts) come
# before the page's own reads; the session is read from the cache (marketplace.sessions).


@pytest.fixture
def server_side_cache(settings, django_capture_on_commit_callbacks):
    """The server-side cache on, as in production (test.py turns it off), from a fresh
    generation so nothing another test left behind answers (marketplace.page_cache)."""
    settings.PAGE_CACHE_ENABLED = True
    with django_capture_on_commit_callbacks(execute=True):
        page_cache_invalidate()


def _get(client, url, budget, django_assert_max_num_queries):
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_tender_detail_anonymous(client, catalogue, django_assert_max_num_queries):
    url = reverse("tenders:tender_detail", kwargs={"reference": catalogue[0].reference})
    page = _get(client, url, TENDER_DETAIL, django_assert_max_num_queries)
    html = page.content.decode()
    assert "Programvare for drift 0" in html
    assert "Delkontrakt 3" in html or "Lot 3" in html


def test_tender_detail_signed_in_supplier(
    listed_supplier_client, catalogue, django_assert_max_num_queries
):
    url = reverse("tenders:tender_detail", kwargs={"reference": catalogue[0].reference})
    _get(listed_supplier_client, url, TENDER_DETAIL_SIGNED_IN, django_assert_max_num_queries)


def test_tender_detail_signed_in_supplier_shared_parts_cached(
    listed_supplier_client, catalogue, server_side_cache, django_assert_max_num_queries
):
    """The parts every reader shares from the cache (tenders/views/public.py), after a first
    reader: the relations query is replaced by the published Q&A alone."""
    url = reverse("tenders:tender_detail", kwargs={"reference": catalogue[0].reference})
    listed_supplier_client.get(url)
    page = _get(listed_supplier_client, url, TENDER_DETAIL_SIGNED_IN, django_assert_max_num_queries)
    assert "Delkontrakt 3" in page.content.decode() or "Lot 3" in page.content.decode()


def test_home(client, catalogue, django_assert_max_num_queries):
    """Rendered, not answered from the page cache (which is off here): what a visitor meets when
    the cached copy has expired. After one request, as every visitor but the first after a
    deploy or a change of sites meets it: Wagtail's site root paths are in the cache and the
    content types in Django's per-process cache."""
    make_home_page()
    client.get("/")
    page = _get(client, "/", HOME, django_assert_max_num_queries)
    assert "Programvare for drift" in page.content.decode()


def test_home_signed_in_supplier(
    listed_supplier_client, server_side_cache, django_assert_max_num_queries
):
    """Signed-in pages are never cached whole; the headline counts are, beside the cached pages
    and under their generation (cms.selectors.headline_figures). After one request, as a
    visitor meets them whenever anyone has opened the home page in the last minute and nothing
    has been published since (and the site root paths and content types, as in test_home)."""
    make_home_page()
    listed_supplier_client.get("/")
    _get(listed_supplier_client, "/", HOME, django_assert_max_num_queries)


def test_opportunity_list(client, catalogue, django_assert_max_num_queries):
    page = _get(
        client, reverse("tenders:opportunity_list"), OPPORTUNITIES, django_assert_max_num_queries
    )
    assert page.context["total"] == TENDERS


def test_opportunity_list_signed_in_supplier(listed_supplier_client, django_assert_max_num_queries):
    _get(
        listed_supplier_client,
        reverse("tenders:opportunity_list"),
        OPPORTUNITIES,
        django_assert_max_num_queries,
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?q=programvare",
        "?q=programvare&cpv=72000000",
        "?q=programvare&municipality=3201&sme_category=small&stage=startup",
        "?q=programvare&sort=name",
    ],
)
def test_supplier_directory(client, catalogue, query, django_assert_max_num_queries):
    url = reverse("search:supplier_directory") + query
    page = _get(client, url, SUPPLIER_DIRECTORY, django_assert_max_num_queries)
    if not query:
        assert page.context["total"] == SUPPLIERS


def test_dashboard_supplier(listed_supplier_client, django_assert_max_num_queries):
    _get(
        listed_supplier_client,
        reverse("marketplace:dashboard"),
        DASHBOARD,
        django_assert_max_num_queries,
    )


def test_dashboard_buyer(
    buyer_client, procurement_officer, catalogue, django_assert_max_num_queries
):
    # A buyer in several organisations and roles.
    for role in (Role.BUYER_ADMIN, Role.EVALUATOR):
        MembershipFactory(user=procurement_officer, organisation=BuyerFactory(), role=role)
    _get(buyer_client, reverse("marketplace:dashboard"), DASHBOARD, django_assert_max_num_queries)


def test_explained_match(buyer_client, catalogue, django_assert_max_num_queries):
    url = reverse("matching:tender_suppliers", kwargs={"reference": catalogue[0].reference})
    page = _get(buyer_client, url, EXPLAINED_MATCH, django_assert_max_num_queries)
    assert len(page.context["matches"]) >= SUPPLIERS


def test_match_facts_reuse_what_the_buyer_page_read(
    procurement_officer, catalogue, django_assert_max_num_queries
):
    # given the tender as the buyer's pages read it (lots, codes, places, requirements loaded)
    tender = tender_for_buyer(procurement_officer, catalogue[0].reference)
    # when its facts are taken: only the counties and the certification names are read
    with django_assert_max_num_queries(2):
        facts = facts_of(tender)
        text = text_of(tender)
    # then they are the facts of the same tender read afresh
    fresh = Tender.objects.get(pk=tender.pk)
    expected = facts_of(fresh)
    assert set(facts.cpv_codes) == set(expected.cpv_codes)
    assert replace(facts, cpv_codes=()) == replace(expected, cpv_codes=())
    assert text == text_of(fresh)
