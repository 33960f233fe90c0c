"""Idle sessions end on the server (buyer staff after 30 minutes, suppliers later), with a warning
dialog before and a way to stay logged in; after expiry, logging in again returns the person to
the page they were on. The clock is moved by ageing the session's activity stamp."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from marketplace import session_timeout
from marketplace.session_timeout import SESSION_KEY
from tests.html_helpers import parse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def idle_for(client, seconds: int) -> None:
    session = client.session
    last, limit = session[SESSION_KEY]
    session[SESSION_KEY] = [last - seconds, limit]
    session.save()


def test_buyer_staff_are_logged_out_after_30_idle_minutes(buyer_client, settings):
    assert buyer_client.get("/en/min-side/").status_code == 200
    idle_for(buyer_client, settings.SESSION_IDLE_TIMEOUT_STAFF + 1)

    response = buyer_client.get("/en/min-side/varsler/")

    assert response.status_code == 302
    assert response.url == "/en/accounts/login/?next=%2Fen%2Fmin-side%2Fvarsler%2F"
    assert "_auth_user_id" not in buyer_client.session


def test_activity_within_the_limit_keeps_the_session(buyer_client, settings):
    idle_for(buyer_client, settings.SESSION_IDLE_TIMEOUT_STAFF - 60)

    assert buyer_client.get("/en/min-side/").status_code == 200
    idle_for(buyer_client, 120)  # counted from the last request, not from login
    assert buyer_client.get("/en/min-side/").status_code == 200


def test_suppliers_keep_their_session_longer(supplier_client, settings):
    assert settings.SESSION_IDLE_TIMEOUT > settings.SESSION_IDLE_TIMEOUT_STAFF
    idle_for(supplier_client, settings.SESSION_IDLE_TIMEOUT_STAFF + 60)
    assert supplier_client.get("/en/min-side/").status_code == 200

    idle_for(supplier_client, settings.SESSION_IDLE_TIMEOUT + 1)
    assert supplier_client.get("/en/min-side/").status_code == 302


def test_the_page_carries_the_warning_dialog_and_its_script(buyer_client, settings):
    page = parse(buyer_client.get("/en/min-side/"))

    dialog = page.first("dialog", id="session-timeout")
    assert dialog.get("role") == "alertdialog"
    assert dialog.get("aria-labelledby") == "session-timeout-title"
    assert int(dialog.get("data-warning")) == settings.SESSION_IDLE_WARNING
    assert 0 < int(dialog.get("data-remaining")) <= settings.SESSION_IDLE_TIMEOUT_STAFF
    form = page.first("form", action="/en/min-side/okt/forleng/")
    assert form.select("input", name="csrfmiddlewaretoken")
    assert page.select("script", src="/static/js/session-timeout.js")
    assert not [s for s in page.select("script") if not s.get("src")]  # no inline script


def test_anonymous_pages_have_no_dialog(client):
    assert not parse(client.get("/en/")).select("dialog", id="session-timeout")


def test_staying_logged_in_restarts_the_clock(buyer_client, settings):
    idle_for(buyer_client, settings.SESSION_IDLE_TIMEOUT_STAFF - 30)

    extended = buyer_client.post("/en/min-side/okt/forleng/", HTTP_ACCEPT="application/json")

    assert extended.json() == {"remaining": settings.SESSION_IDLE_TIMEOUT_STAFF}
    idle_for(buyer_client, settings.SESSION_IDLE_TIMEOUT_STAFF - 30)
    assert buyer_client.get("/en/min-side/").status_code == 200


def test_staying_logged_in_works_without_javascript(buyer_client):
    response = buyer_client.post("/en/min-side/okt/forleng/", {"next": "/en/min-side/varsler/"})

    assert response.status_code == 302
    assert response.url == "/en/min-side/varsler/"
    offsite = buyer_client.post("/en/min-side/okt/forleng/", {"next": "https://evil.test/"})
    assert offsite.url == "/min-side/" or offsite.url == "/en/min-side/"


def test_after_expiry_logging_in_returns_to_the_form(client, supplier_admin, settings):
    EmailAddress.objects.create(
        user=supplier_admin, email=supplier_admin.email, verified=True, primary=True
    )
    client.post("/en/accounts/login/", {"login": supplier_admin.email, "password": PASSWORD})
    form_page = "/en/min-side/varsler/innstillinger/"
    idle_for(client, settings.SESSION_IDLE_TIMEOUT + 1)

    expired = client.post(form_page, {"anything": "typed"})
    assert expired.status_code == 302
    login_url = expired.url
    assert login_url.startswith("/en/accounts/login/?next=")

    back = client.post(login_url, {"login": supplier_admin.email, "password": PASSWORD})
    assert back.url == form_page


def test_the_page_never_counts_down_past_the_servers_end(buyer_client, settings, monkeypatch):
    # given a session with a little under 141 s left, idle for less than a minute (no touch);
    # the idle clock stands still, so a slow request cannot eat the 0.9 s being tested
    settings.SESSION_IDLE_TIMEOUT_STAFF = 200
    buyer_client.get("/en/min-side/")
    session = buyer_client.session
    last, _limit = session[SESSION_KEY]
    monkeypatch.setattr(session_timeout, "now", lambda: last)
    session[SESSION_KEY] = [last - 59.1, 200]
    session.save()

    # the page counts down at least that long: rounded up, never down to 140
    dialog = parse(buyer_client.get("/en/min-side/")).first("dialog", id="session-timeout")
    assert int(dialog.get("data-remaining")) >= 141

    # and once the limit is reached, the server has ended the session
    idle_for(buyer_client, 200)
    assert buyer_client.get("/en/min-side/").status_code == 302
