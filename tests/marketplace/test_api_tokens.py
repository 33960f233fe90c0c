"""Personal API tokens: created in the account pages after a fresh login (and TOTP where the role
requires it), shown once, stored as a hash, scoped, revocable, audited; HTTP Basic is refused.

Logins here go through allauth's real forms (password, then the TOTP code), so the session's
authentication records are the ones a person's browser would have.
"""

from __future__ import annotations

import base64
import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.utils import timezone

from marketplace.models import AuditEvent, PersonalApiToken, Role, TokenScope
from marketplace.models.tokens import token_digest
from marketplace.services.api_tokens import api_token_create
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
CREATE = "/en/min-side/api-nokler/ny/"
LIST = "/en/min-side/api-nokler/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _totp_step_tolerance(settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a 30-second step may end between code and post


def verified(email: str):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def log_in(client, user, secret: str | None = None):
    response = client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})
    if secret is not None:
        assert response.url == "/en/accounts/2fa/authenticate/"
        client.post("/en/accounts/2fa/authenticate/", {"code": code(secret)})
    assert client.session.get("_auth_user_id") == str(user.pk)


@pytest.fixture
def supplier_person(supplier):
    user = verified("skript@fjordlys.test")
    MembershipFactory(user=user, organisation=supplier, role=Role.SUPPLIER_MEMBER)
    return user


@pytest.fixture
def officer_with_secret(buyer, buyer_unit):
    user = verified("api.innkjoper@afk.test")
    MembershipFactory(user=user, organisation=buyer, role=Role.PROCUREMENT_OFFICER, unit=buyer_unit)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def create_through_ui(client, **data):
    form = {"name": "Rapportskript", "scopes": [TokenScope.READ], "days": 90, **data}
    response = client.post(CREATE, form)
    assert response.status_code == 200, response
    secret = response.context["secret"]
    return PersonalApiToken.objects.get(digest=token_digest(secret)), secret, response


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# --- creating, listing, revoking ----------------------------------------------------------------


def test_a_token_is_shown_once_stored_as_a_hash_and_audited(client, supplier_person):
    log_in(client, supplier_person)

    token, secret, response = create_through_ui(client)

    assert secret.startswith("pm_") and secret.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    assert token.digest != secret and secret not in str(token.__dict__)
    assert token.scopes == [TokenScope.READ] and not token.created_with_mfa
    assert AuditEvent.objects.filter(action="api_token.created", object_id=str(token.pk)).exists()
    listing = client.get(LIST)
    assert token.prefix.encode() in listing.content
    assert secret.encode() not in listing.content


def test_creating_a_token_needs_a_fresh_login(client, supplier_person):
    client.force_login(supplier_person)  # a session with no login record: not "recent"

    response = client.get(CREATE)

    assert response.status_code == 302
    assert response.url.startswith("/en/accounts/reauthenticate/?next=")


def test_buyer_staff_create_tokens_only_in_a_session_that_passed_totp(client, officer_with_secret):
    user, secret = officer_with_secret
    client.force_login(user)  # TOTP set up, but this session never asked for a code
    assert client.get(CREATE).url.startswith("/en/accounts/2fa/reauthenticate/?next=")

    client.logout()
    log_in(client, user, secret)
    token, _secret, _response = create_through_ui(client)

    assert token.created_with_mfa


def test_revoking_a_token_ends_it_and_is_audited(client, supplier_person):
    log_in(client, supplier_person)
    token, secret, _response = create_through_ui(client)
    assert client.get("/api/tenders/", **bearer(secret)).status_code == 200

    client.post(f"{LIST}{token.pk}/trekk-tilbake/")

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoked", object_id=str(token.pk)).exists()
    refused = client.get("/api/tenders/", **bearer(secret))
    assert refused.status_code == 401
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "token_revoked"


def test_nobody_revokes_another_persons_token(client, supplier_person, supplier_admin):
    token, _secret = api_token_create(
        user=supplier_person, name="x", scopes=[TokenScope.READ], days=30, with_mfa=False
    )
    client.force_login(supplier_admin)

    response = client.post(f"{LIST}{token.pk}/trekk-tilbake/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- using a token ------------------------------------------------------------------------------


def test_an_expired_token_gets_401(client, supplier_person):
    token, secret = api_token_create(
        user=supplier_person, name="x", scopes=[TokenScope.READ], days=1, with_mfa=False
    )
    PersonalApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())

    response = client.get("/api/tenders/", **bearer(secret))

    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_a_token_reaches_only_what_its_scopes_allow(client, supplier_person):
    _token, secret = api_token_create(
        user=supplier_person, name="x", scopes=[TokenScope.BIDS_READ], days=1, with_mfa=False
    )

    response = client.get("/api/suppliers/", **bearer(secret))

    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"


def test_an_unknown_token_gets_401_with_a_bearer_challenge(client):
    response = client.get("/api/tenders/", **bearer("pm_not-a-real-token"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_use_is_recorded(client, supplier_person):
    token, secret = api_token_create(
        user=supplier_person, name="x", scopes=[TokenScope.READ], days=1, with_mfa=False
    )

    client.get("/api/cpv/", **bearer(secret))

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


def test_http_basic_is_refused_even_with_the_right_password(client, supplier_person):
    credentials = base64.b64encode(f"{supplier_person.email}:{PASSWORD}".encode()).decode()

    response = client.get("/api/tenders/", HTTP_AUTHORIZATION=f"Basic {credentials}")

    assert response.status_code == 401
    assert response.json()["code"] == "scheme_refused"
    assert b"results" not in response.content


def test_every_api_view_names_the_scope_a_token_needs():
    """A view without ``required_scope`` would refuse tokens (fail closed); say so in tests."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def views(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from views(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield pattern

    api = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", "") == "api")
    for pattern in views(api.url_patterns):
        view_class = getattr(pattern.callback, "view_class", None) or getattr(
            pattern.callback, "cls", None
        )
        if pattern.name == "schema":
            continue
        assert getattr(view_class, "required_scope", None) in TokenScope.values, pattern.name
