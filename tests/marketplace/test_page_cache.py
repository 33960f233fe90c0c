"""Issue 14 A: anonymous public pages set no cookie, say they are public, and are answered from
the server-side page cache until a change (a domain event, a Wagtail publish) or their age ends
them; signed-in pages never touch the cache (marketplace/page_cache.py, ADR 0014)."""

from __future__ import annotations

import datetime
import time

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.clamd import ScanStatus
from marketplace.page_cache import page_cache_invalidate
from marketplace.services.profiles import profile_update
from tenders.services import tenders as tender_services
from tenders.services.closing import tender_close
from tenders.services.questions import question_answer, question_ask
from tenders.services.tender_files import document_scan_run
from tenders.services.tenders import TenderInput
from tests.factories import (
    NeedFactory,
    SupplierProfileFactory,
    TenderDocumentFactory,
    TenderFactory,
    cpv_code,
    make_indicators_page,
    make_news,
    make_story,
)
from tests.factories.pages import make_home_page
from tests.test_outage import on_private_redis, private_redis  # noqa: F401 (fixtures)
from tests.uploads.fake_clamd import FakeClamd

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings, django_capture_on_commit_callbacks):
    """The server-side cache on (test.py turns it off), starting from a fresh generation so no
    page another test left behind can answer."""
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_MAX_AGE = 60
    with django_capture_on_commit_callbacks(execute=True):
        page_cache_invalidate()


@pytest.fixture
def tender(db, buyer, buyer_unit):
    return TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        main_cpv=cpv_code("72000000", "IT services"),
        title="Ladestasjoner for busser",
        published=True,
    )


def _tender_url(tender) -> str:
    return reverse("tenders:tender_detail", kwargs={"reference": tender.reference})


PUBLIC_PAGES = {
    "home": lambda: make_home_page() and "/",
    "home in English": lambda: make_home_page() and "/en/",
    "opportunities": lambda: reverse("tenders:opportunity_list"),
    "opportunities in English": lambda: "/en" + reverse("tenders:opportunity_list"),
    "tender": lambda: _tender_url(TenderFactory(published=True)),
    "supplier directory": lambda: reverse("search:supplier_directory"),
    "needs": lambda: NeedFactory() and reverse("tenders:need_list"),
    "test arenas": lambda: reverse("tenders:arena_list"),
    "success story": lambda: make_story().url,
    "news": lambda: make_news().url,
    "indicators": lambda: make_indicators_page().url,
}


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_anonymous_public_page_sets_no_cookie_and_is_public(client, name):
    url = PUBLIC_PAGES[name]()

    response = client.get(url)

    assert response.status_code == 200, url
    assert not response.cookies, f"{url} sets {list(response.cookies)}"
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Vary"] == "Cookie"
    # no nonce to reuse: the policy is the same for every visitor
    assert "'nonce-" not in response["Content-Security-Policy"]
    assert b"csrfmiddlewaretoken" not in response.content


@pytest.mark.parametrize("name", ["home", "opportunities", "tender", "news"])
def test_second_anonymous_request_is_answered_from_the_cache(
    client, page_cache, name, django_assert_num_queries
):
    url = PUBLIC_PAGES[name]()
    first = client.get(url)
    assert first["X-Cache"] == "miss"

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    # the headers every other middleware added are served with it, the request id is new
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Content-Language",
        "Cache-Control",
        "Vary",
    ):
        assert second[header] == first[header], header
    assert second["X-Request-ID"] != first["X-Request-ID"]
    assert int(second["Age"]) <= 60
    assert not second.cookies


def test_a_signed_in_person_sees_their_own_page_and_never_the_cache(
    client, page_cache, supplier_admin, tender
):
    url = _tender_url(tender)
    # given the anonymous page is cached
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"
    # when a supplier signs in and asks for the same address
    client.force_login(supplier_admin)
    response = client.get(url)
    # then they get their own page, not the cached one, and it is private
    assert "X-Cache" not in response
    assert response["Cache-Control"] == "private, no-store"
    assert "Log in to follow" not in response.content.decode()
    assert reverse("account_logout").encode() in response.content
    # and nothing of theirs was stored for anonymous visitors
    anonymous = Client().get(url)
    assert anonymous["X-Cache"] == "hit"
    assert reverse("account_logout").encode() not in anonymous.content


def test_a_signed_in_request_does_not_fill_the_cache(client, page_cache, supplier_admin, tender):
    url = _tender_url(tender)
    client.force_login(supplier_admin)
    client.get(url)

    assert Client().get(url)["X-Cache"] == "miss"


def test_any_session_cookie_or_authorization_bypasses_the_cache(client, page_cache, tender):
    url = _tender_url(tender)
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"

    client.cookies["sessionid"] = "not-a-session"
    assert "X-Cache" not in client.get(url)
    assert "X-Cache" not in Client().get(url, HTTP_AUTHORIZATION="Bearer pm_x")
    messages = Client()
    messages.cookies["messages"] = "a-message-for-someone"
    assert "X-Cache" not in messages.get(url)


def test_filters_are_not_cached_but_page_numbers_are(client, page_cache):
    url = reverse("tenders:opportunity_list")

    assert "X-Cache" not in client.get(url, {"q": "lading"})
    assert client.get(url, {"page": "1"})["X-Cache"] == "miss"
    assert client.get(url, {"page": "1"})["X-Cache"] == "hit"


def test_the_language_comes_from_the_url_not_the_browser(client, page_cache):
    make_home_page()
    bokmal = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    english = client.get("/en/")

    assert bokmal["Content-Language"] == "nb" and english["Content-Language"] == "en"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en").content == bokmal.content
    assert client.get("/en/", HTTP_ACCEPT_LANGUAGE="nb").content == english.content


# --- Invalidation -----------------------------------------------------------------------------


def test_publishing_a_tender_shows_it_in_the_list_at_once(
    client, page_cache, buyer, buyer_unit, procurement_officer, django_capture_on_commit_callbacks
):
    draft = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        main_cpv=cpv_code("72000000", "IT services"),
        title="Snøbrøyting med droner",
    )
    url = reverse("tenders:opportunity_list")
    client.get(url)
    assert "Snøbrøyting med droner" not in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        tender_services.tender_publish(tender=draft, by=procurement_officer)

    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert "Snøbrøyting med droner" in response.content.decode()


def test_amending_and_awarding_change_the_next_anonymous_page(
    client, page_cache, tender, procurement_officer, django_capture_on_commit_callbacks
):
    url = _tender_url(tender)
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"
    # amended
    with django_capture_on_commit_callbacks(execute=True):
        tender_services.tender_amend(
            tender=tender,
            by=procurement_officer,
            data=TenderInput(fields={"title": "Ladestasjoner for ferjer"}),
            summary="Ferjer, ikke busser.",
        )
    amended = client.get(url)
    assert amended["X-Cache"] == "miss"
    assert "Ladestasjoner for ferjer" in amended.content.decode()
    assert client.get(url)["X-Cache"] == "hit"
    # closed, evaluated and awarded
    before = client.get(url).content
    later = tender.submission_deadline + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        tender_close(tender=tender, now=later)
        tender_services.tender_start_evaluation(tender=tender, by=procurement_officer)
        tender_services.tender_mark_awarded(tender=tender, by=procurement_officer)
    awarded = client.get(url)
    assert awarded["X-Cache"] == "miss"
    assert awarded.content != before


def test_cancelling_changes_the_next_anonymous_page(
    client, page_cache, tender, procurement_officer, django_capture_on_commit_callbacks
):
    url = _tender_url(tender)
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        tender_services.tender_cancel(
            tender=tender, by=procurement_officer, reason="Behovet er dekket av en avtale."
        )

    response = client.get(url)

    assert response["X-Cache"] == "miss"
    assert "Behovet er dekket av en avtale." in response.content.decode()


def test_a_supplier_profile_change_shows_on_its_public_page(
    client, page_cache, supplier, supplier_admin, django_capture_on_commit_callbacks
):
    profile = SupplierProfileFactory(
        organisation=supplier, description_nb="Vi lager sensorer.", is_published=True
    )
    url = reverse("marketplace:supplier_detail", kwargs={"slug": supplier.slug})
    assert "Vi lager sensorer." in client.get(url).content.decode()
    assert client.get(url)["X-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        profile_update(profile=profile, by=supplier_admin, description_nb="Vi lager droner.")

    assert "Vi lager droner." in client.get(url).content.decode()


def test_a_wagtail_publish_shows_on_the_next_anonymous_page(
    client, page_cache, django_capture_on_commit_callbacks
):
    news = make_news(title="Første utgave")
    client.get(news.url)
    assert client.get(news.url)["X-Cache"] == "hit"

    news.title = "Andre utgave"
    with django_capture_on_commit_callbacks(execute=True):
        news.save_revision().publish()

    response = client.get(news.url)
    assert response["X-Cache"] == "miss"
    assert "Andre utgave" in response.content.decode()


def test_no_page_is_kept_longer_than_its_max_age(client, page_cache, tender, monkeypatch):
    # A deadline passing is announced by no event: the age bounds how long a page shows "open".
    url = _tender_url(tender)
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 30)
    assert client.get(url)["Age"] in {"29", "30", "31"}
    monkeypatch.setattr(time, "time", lambda: real_time() + 61)

    assert client.get(url)["X-Cache"] == "miss"


# --- Forms and outages ------------------------------------------------------------------------


def test_forms_on_anonymous_pages_still_work_with_csrf(page_cache, supplier_admin, tender):
    client = Client(enforce_csrf_checks=True)
    url = _tender_url(tender)
    client.get(url)
    # the login page needs a token: it sets the cookie and is private
    login = client.get(reverse("account_login"))
    assert "csrftoken" in login.cookies
    assert {"private", "no-store"} <= set(login["Cache-Control"].replace(" ", "").split(","))
    assert "X-Cache" not in login
    token = login.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    # a visitor holding a CSRF cookie still gets the cached page, which holds no token
    cached = client.get(url)
    assert cached["X-Cache"] == "hit"
    assert b"csrfmiddlewaretoken" not in cached.content
    # and the login form posts with its token
    response = client.post(
        reverse("account_login"),
        {"login": supplier_admin.email, "password": "wrong password", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200  # the form again, with an error: not a CSRF failure
    refused = Client(enforce_csrf_checks=True).post(
        reverse("account_login"), {"login": supplier_admin.email, "password": "x"}
    )
    assert refused.status_code == 403


def test_pages_are_served_while_redis_is_down(
    client,
    on_private_redis,  # noqa: F811
    page_cache,
    tender,
):
    url = _tender_url(tender)
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"

    on_private_redis.stop()

    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Cache"] == "miss"
    assert "Ladestasjoner for busser" in response.content.decode()
    assert client.get(reverse("tenders:opportunity_list")).status_code == 200


def test_a_published_answer_shows_on_the_next_anonymous_page(
    client,
    page_cache,
    tender,
    supplier,
    supplier_admin,
    procurement_officer,
    django_capture_on_commit_callbacks,
):
    question = question_ask(
        tender=tender, organisation=supplier, text="Kan vi levere i to puljer?", by=supplier_admin
    )
    url = _tender_url(tender)
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        question_answer(
            question=question, answer="Ja, i to puljer.", by=procurement_officer, publish=True
        )

    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert "Ja, i to puljer." in response.content.decode()


def test_a_document_that_passes_its_scan_shows_on_the_next_anonymous_page(
    client, page_cache, tender, settings, django_capture_on_commit_callbacks
):
    document = TenderDocumentFactory(
        tender=tender, title="Prisskjema", scan_status=ScanStatus.PENDING
    )
    url = _tender_url(tender)
    assert "Prisskjema" not in client.get(url).content.decode()
    assert client.get(url)["X-Cache"] == "hit"

    with FakeClamd() as scanner, django_capture_on_commit_callbacks(execute=True):
        settings.CLAMD_URL = scanner.url
        assert document_scan_run(document_id=document.pk) == ScanStatus.CLEAN

    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert "Prisskjema" in response.content.decode()
