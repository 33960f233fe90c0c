"""The opened-bids API and the ways in: a password never reaches bids (HTTP Basic is refused);
a token needs the ``bids:read`` scope, and, for buyer staff, a token created after TOTP; a buyer
session without TOTP set up gets a 403 problem, not a redirect."""

from __future__ import annotations

import base64

import pytest

from marketplace.models import Role, TokenScope
from marketplace.services.api_tokens import api_token_create
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def url(tender) -> str:
    return f"/api/tenders/{tender.reference}/bids/"


def token_for(user, *, scopes, with_mfa=True) -> str:
    _token, secret = api_token_create(
        user=user, name="skript", scopes=scopes, days=30, with_mfa=with_mfa
    )
    return secret


def test_http_basic_with_the_right_password_gets_no_bids(client, opened, procurement_officer):
    pair = f"{procurement_officer.email}:{PASSWORD}".encode()

    response = client.get(
        url(opened), HTTP_AUTHORIZATION=f"Basic {base64.b64encode(pair).decode()}"
    )

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert b"Nordlys" not in response.content and b"bids" not in response.content


def test_a_token_with_the_bids_scope_reads_the_opened_bids(client, opened, procurement_officer):
    secret = token_for(procurement_officer, scopes=[TokenScope.BIDS_READ])

    response = client.get(url(opened), HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 200
    assert {row["supplier"] for row in response.json()["bids"]} == {
        "Fjordlys Teknologi AS",
        "Nordlys Data AS",
    }


def test_a_read_only_token_gets_no_bids(client, opened, procurement_officer):
    secret = token_for(procurement_officer, scopes=[TokenScope.READ])

    response = client.get(url(opened), HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"


def test_buyer_staff_tokens_created_without_totp_are_refused(client, opened, procurement_officer):
    secret = token_for(procurement_officer, scopes=[TokenScope.BIDS_READ], with_mfa=False)

    response = client.get(url(opened), HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_a_buyer_session_without_totp_gets_a_403_problem(client, opened, buyer, buyer_unit):
    officer = UserFactory(email="uten.totp@afk.test")
    MembershipFactory(
        user=officer, organisation=buyer, role=Role.PROCUREMENT_OFFICER, unit=buyer_unit
    )
    client.force_login(officer)

    response = client.get(url(opened))

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "mfa_required"


def test_session_requests_to_the_api_need_the_csrf_token(opened, procurement_officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(procurement_officer)

    response = client.post(url(opened), {})

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
