"""Security headers on every kind of page: a Content-Security-Policy with a fresh nonce that the
page's scripts carry, no inline script or handler without it, the looser admin policy only under
the admin sites, and a Permissions-Policy."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory

from marketplace.views.errors import server_error
from tests.conftest import with_totp
from tests.factories import NeedFactory, TenderFactory, UserFactory, make_story
from tests.factories.bids import submitted_bid, supplier_member, tender_ready_for_bids
from tests.factories.pages import make_home_page
from tests.html_helpers import parse

pytestmark = pytest.mark.django_db

# Script types a browser runs; JSON data blocks and templates are not executed.
EXECUTABLE = {"", "text/javascript", "application/javascript", "module"}
NONCE_IN_HEADER = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def check_page(response) -> dict[str, list[str]]:
    """The page's policy, after checking that every script and style obeys it."""
    assert response.status_code in {200, 404}, (response.status_code, response.get("Location"))
    header = response["Content-Security-Policy"]
    policy = directives(header)
    nonces = NONCE_IN_HEADER.findall(" ".join(policy["script-src"]))
    # Anonymous public pages carry no nonce (they are cached and shared: ADR 0014), so they may
    # run only our own files; a page with inline code has exactly one nonce.
    assert len(nonces) <= 1, header
    nonce = nonces[0] if nonces else None
    assert policy["script-src"] == ["'self'"] + ([f"'nonce-{nonce}'"] if nonce else []), header
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]

    tree = parse(response)
    scripts = tree.select("script")
    assert scripts, "every page loads site.js"
    for script in scripts:
        if (script.get("type") or "").lower() not in EXECUTABLE:
            continue
        src = script.get("src")
        if src:
            assert src.startswith("/"), f"script from another origin: {src}"
            assert script.get("nonce") in (None, nonce)
        else:
            assert nonce and script.get("nonce") == nonce, (
                f"inline script without the nonce: {script}"
            )
    assert nonce is None or any(script.get("nonce") == nonce for script in scripts)
    for style in tree.select("style"):
        assert nonce and style.get("nonce") == nonce, f"inline <style> without the nonce: {style}"
    for node in tree.iter():
        handlers = [name for name in node.attrs if name.startswith("on")]
        assert not handlers, f"inline event handler {handlers} on {node}"
        assert "style" not in node.attrs, f"inline style attribute on {node}"
        for name in ("href", "src", "action", "formaction"):
            value = (node.get(name) or "").strip().lower()
            assert not value.startswith("javascript:"), f"javascript: URL on {node}"
    return policy


def test_public_pages_send_a_nonced_policy_their_scripts_carry(client, supplier):
    make_home_page()
    story = make_story()
    tender = TenderFactory(published=True)
    paths = [
        "/",
        "/en/",
        story.url,
        "/konkurranser/",
        f"/konkurranser/{tender.reference}/",
        "/behov/",
        "/leverandorer/",
        "/sok/?q=sensor",
        "/accounts/login/",
        "/accounts/signup/",
        "/denne-siden-finnes-ikke/",
    ]
    for path in paths:
        check_page(client.get(path))


def test_each_response_gets_its_own_nonce(supplier_client):
    # signed in, every page has the idle-session dialog's script, with the nonce
    make_home_page()

    first = NONCE_IN_HEADER.findall(supplier_client.get("/")["Content-Security-Policy"])
    second = NONCE_IN_HEADER.findall(supplier_client.get("/")["Content-Security-Policy"])

    assert first and second and first != second


def test_anonymous_public_pages_carry_no_nonce_to_share(client):
    # they are cached and served to everyone (ADR 0014): a nonce in them would be reused
    make_home_page()

    response = client.get("/")

    assert NONCE_IN_HEADER.findall(response["Content-Security-Policy"]) == []
    assert "nonce=" not in response.content.decode()


def test_supplier_pages_with_the_cpv_picker_and_a_bid_obey_the_policy(client, supplier):
    lead = supplier_member(supplier, email="lead@fjordlys.test")
    bid = submitted_bid(tender=tender_ready_for_bids(), supplier=supplier, by=lead)
    client.force_login(lead)

    for path in [
        "/min-side/",
        f"/organisasjoner/{supplier.slug}/profil/",
        "/tilbud/",
        f"/tilbud/{bid.public_id}/",
        f"/tilbud/{bid.public_id}/kvittering/",
        "/muligheter/",
    ]:
        check_page(client.get(path))


def test_buyer_pages_with_the_cpv_picker_and_the_print_button_obey_the_policy(
    buyer_client, buyer, buyer_unit
):
    need = NeedFactory(buyer=buyer, unit=buyer_unit, open=True)

    for path in [
        "/innkjop/",
        "/innkjop/konkurranser/ny/",
        "/innkjop/behov/ny/",
        f"/innkjop/behov/{need.slug}/dialog/",
    ]:
        response = buyer_client.get(path)
        check_page(response)
    # the print button is wired by a static file, not an onclick attribute
    page = parse(response)
    assert page.first("button", data_print=True)
    assert any("print-button" in (s.get("src") or "") for s in page.select("script"))


def test_the_wagtail_and_django_admin_get_their_own_looser_policy(client):
    editor = with_totp(UserFactory(email="redaktor@pilotmarked.test"))
    editor.groups.add(Group.objects.get(name="Editors"))
    staff = with_totp(UserFactory(email="drift@pilotmarked.test", is_staff=True, is_superuser=True))
    make_home_page()
    site_policy = directives(client.get("/")["Content-Security-Policy"])

    client.force_login(editor)
    cms = client.get("/cms-admin/")
    client.force_login(staff)
    django_admin = client.get("/django-admin/")

    for response in (cms, django_admin):
        assert response.status_code == 200
        policy = directives(response["Content-Security-Policy"])
        assert policy != site_policy
        assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
        assert not NONCE_IN_HEADER.search(response["Content-Security-Policy"])
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'self'"]


def test_the_self_contained_500_page_styles_itself_with_the_nonce():
    # The handler renders without context processors; the middleware still wraps it.
    from config.security_headers import ContentSecurityPolicyMiddleware

    middleware = ContentSecurityPolicyMiddleware(server_error)
    request = RequestFactory().get("/")

    response = middleware(request)

    assert response.status_code == 500
    check_page_styles = parse(response).select("style")
    nonce = NONCE_IN_HEADER.findall(response["Content-Security-Policy"])
    assert nonce and check_page_styles
    assert all(style.get("nonce") == nonce[0] for style in check_page_styles)


def test_every_response_sends_a_permissions_policy():
    response = Client().get("/healthz")

    policy = response["Permissions-Policy"]
    features = ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort")
    for feature in features:
        assert f"{feature}=()" in policy
