"""Accounts through HTTP, as a person uses them: sign-up with e-mail verification, password reset,
login rate limiting, TOTP set-up, and the rule that buyer staff and administrators must use TOTP.

Pages are requested under /en/ so that assertions read allauth's English source strings.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache

from marketplace.accounts import has_mfa
from marketplace.models import Role, User
from tests.conftest import with_totp
from tests.factories import MembershipFactory, UserFactory
from tests.html_helpers import parse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth keeps rate-limit counters in the cache (LocMem, or Redis when REDIS_URL is set)."""
    cache.clear()
    yield
    cache.clear()


def verified_user(email: str, **extra) -> User:
    user = UserFactory(email=email, full_name=extra.pop("full_name", "Kari Nordmann"), **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def log_in(client, email: str, password: str = PASSWORD):
    return client.post("/en/accounts/login/", {"login": email, "password": password})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def link_in(message, path_fragment: str) -> str:
    match = re.search(rf"https?://[^\s/]+(/\S*{re.escape(path_fragment)}\S*)", message.body)
    assert match, f"no link with {path_fragment!r} in:\n{message.body}"
    return match.group(1)


def buyer_staff(buyer, email="innkjoper.uten.totp@afk.test") -> User:
    user = UserFactory(email=email, full_name="Per Innkjøper")
    MembershipFactory(user=user, organisation=buyer, role=Role.PROCUREMENT_OFFICER)
    return user


# --- Sign-up and e-mail verification ----------------------------------------------------------


def test_sign_up_form_asks_for_email_and_name_but_no_username(client):
    page = parse(client.get("/en/accounts/signup/"))

    form = page.first("form", action="/en/accounts/signup/")
    names = {field.get("name") for field in form.select("input")}
    assert {"email", "full_name", "password1", "password2"} <= names
    assert "username" not in names


def test_sign_up_sends_a_verification_mail_and_login_waits_for_it(client):
    # when
    response = client.post(
        "/en/accounts/signup/",
        {
            "email": "ny.grunder@example.test",
            "full_name": "Nora Gründer",
            "password1": "a fine long passphrase",
            "password2": "a fine long passphrase",
        },
    )

    # then: no session yet, a verification mail instead
    assert response.status_code == 302
    assert response.url == "/en/accounts/confirm-email/"
    assert not is_logged_in(client)
    user = User.objects.get(email="ny.grunder@example.test")
    assert user.full_name == "Nora Gründer"
    assert user.language == "en"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert mail.outbox[0].subject.startswith("[Pilotmarked] ")
    assert mail.outbox[0].body.startswith("Hello from Pilotmarked!")
    confirm_path = link_in(mail.outbox[0], "/accounts/confirm-email/")

    # logging in before verifying is refused
    refused = log_in(client, user.email, "a fine long passphrase")
    assert refused.status_code == 302
    assert refused.url == "/en/accounts/confirm-email/"
    assert not is_logged_in(client)
    assert client.get("/en/min-side/").status_code == 302

    # following the link and confirming verifies the address
    confirm_page = client.get(confirm_path)
    assert confirm_page.status_code == 200
    client.post(confirm_path)
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    accepted = log_in(client, user.email, "a fine long passphrase")
    assert accepted.status_code == 302
    assert accepted.url == "/en/min-side/"
    assert is_logged_in(client)


def test_password_reset_mail_link_sets_a_new_password(client):
    user = verified_user("glemsk@example.test")

    client.post("/en/accounts/password/reset/", {"email": user.email})

    assert len(mail.outbox) == 1
    key_path = link_in(mail.outbox[0], "/accounts/password/reset/key/")
    form_page = client.get(key_path, follow=True)
    set_password_path = form_page.redirect_chain[-1][0]
    assert set_password_path.endswith("-set-password/")
    assert parse(form_page).select("input", name="password1")
    done = client.post(
        set_password_path,
        {"password1": "a brand new passphrase", "password2": "a brand new passphrase"},
    )
    assert done.status_code == 302

    assert not is_logged_in(client)
    log_in(client, user.email, PASSWORD)
    assert not is_logged_in(client)
    log_in(client, user.email, "a brand new passphrase")
    assert is_logged_in(client)


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post("/en/accounts/password/reset/", {"email": "nobody@example.test"})

    assert response.status_code == 302
    assert response.url == "/en/accounts/password/reset/done/"
    # allauth tells the address's owner (if anyone) without saying whether an account exists
    assert all("/accounts/password/reset/key/" not in message.body for message in mail.outbox)


# --- Login rate limiting ----------------------------------------------------------------------


def test_repeated_failed_logins_are_throttled_with_429(client):
    """Five failures for one account from one address; the sixth try waits (Retry-After).
    Per account+address and per address only: tests/marketplace/test_throttling.py."""
    user = verified_user("angrepet@example.test")

    for _ in range(5):
        failed = log_in(client, user.email, "wrong password")
        assert failed.status_code == 200

    # the right password no longer helps from this address while the limit lasts
    locked = log_in(client, user.email, PASSWORD)

    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert not is_logged_in(client)
    assert "too many failed logins from your address" in locked.content.decode()


def test_failed_logins_for_one_address_do_not_lock_out_another(client):
    verified_user("angrepet@example.test")
    other = verified_user("uskyldig@example.test")
    for _ in range(5):
        log_in(client, "angrepet@example.test", "wrong password")

    log_in(client, other.email, PASSWORD)

    assert is_logged_in(client)


# --- TOTP -------------------------------------------------------------------------------------


def current_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_totp_can_be_activated_from_its_page(client, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a 30-second step may end between page and post
    user = verified_user("forsiktig@example.test")
    log_in(client, user.email)

    # allauth asks for the password again before a security change
    asked = client.get("/en/accounts/2fa/totp/activate/")
    assert asked.url.startswith("/en/accounts/reauthenticate/")
    confirmed = client.post(asked.url, {"password": PASSWORD})
    assert confirmed.url == "/en/accounts/2fa/totp/activate/"
    page = parse(client.get(confirmed.url))

    assert page.first("h1").text == "Activate authenticator app"
    assert page.first("img", class_="allauth-img").get("src").startswith("data:image/svg+xml")
    secret_input = page.first("input", id="authenticator_secret")
    secret = secret_input.get("value")
    # people who cannot scan the QR code type or copy the secret: readable, focusable, not disabled
    assert "readonly" in secret_input.attrs and "disabled" not in secret_input.attrs
    assert page.first("input", name="code").get("autocomplete") == "one-time-code"
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert has_mfa(user)


def test_mfa_pages_render_in_the_site_layout(client):
    user = verified_user("oversikt@example.test")
    log_in(client, user.email)

    for url, heading in [
        ("/en/accounts/2fa/", "Two-factor authentication"),
        ("/en/accounts/email/", "Email addresses"),
        ("/en/accounts/password/change/", "Change password"),
        ("/en/accounts/logout/", "Sign out"),
    ]:
        page = parse(client.get(url))
        assert page.first("h1").text == heading, url
        assert page.first("nav", aria_label="Account settings")
        assert page.first("nav", aria_label="Main menu")


def test_login_asks_a_totp_user_for_a_code(client):
    user = with_totp(verified_user("trygg@example.test"))

    response = log_in(client, user.email)

    assert response.status_code == 302
    assert response.url == "/en/accounts/2fa/authenticate/"
    assert not is_logged_in(client)
    page = parse(client.get(response.url))
    assert page.first("h1").text == "Two-factor authentication"
    assert page.select("input", name="code")


# --- The MFA rule -----------------------------------------------------------------------------


def test_buyer_staff_without_totp_are_sent_to_set_it_up(client, buyer):
    client.force_login(buyer_staff(buyer))

    response = client.get("/min-side/")

    assert response.status_code == 302
    assert response.url == "/accounts/2fa/totp/activate/"
    english = client.get("/en/min-side/")
    assert english.url == "/en/accounts/2fa/totp/activate/"


def test_the_redirect_says_why(client, buyer):
    client.force_login(buyer_staff(buyer))

    response = client.get("/en/min-side/", follow=True)

    alerts = parse(response).first("main").select("div", class_="ds-alert")
    assert any("requires two-factor authentication" in alert.text for alert in alerts)


@pytest.mark.parametrize(
    "url",
    ["/accounts/logout/", "/en/accounts/2fa/", "/accounts/email/", "/healthz"],
)
def test_account_pages_and_health_checks_stay_reachable_without_totp(client, buyer, url):
    client.force_login(buyer_staff(buyer))

    response = client.get(url)

    assert response.status_code == 200


def test_language_switch_stays_reachable_without_totp(client, buyer):
    client.force_login(buyer_staff(buyer))

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/2fa/"})

    assert response.url == "/en/accounts/2fa/"


def test_buyer_staff_with_totp_get_through(client, buyer):
    client.force_login(with_totp(buyer_staff(buyer)))

    assert client.get("/min-side/").status_code == 200


def test_administrators_without_totp_are_sent_to_set_it_up(client):
    client.force_login(UserFactory(full_name="Ada Admin", is_staff=True, is_superuser=True))

    response = client.get("/min-side/")

    assert response.url == "/accounts/2fa/totp/activate/"


def test_supplier_members_need_no_totp(client, supplier_admin):
    client.force_login(supplier_admin)

    assert client.get("/min-side/").status_code == 200


def test_with_the_requirement_off_nobody_is_redirected(client, buyer, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(buyer_staff(buyer))

    assert client.get("/min-side/").status_code == 200


def test_production_settings_always_require_totp():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "pilotmarked.example",
        "DATABASE_URL": "sqlite:///:memory:",
        "MFA_REQUIRED_FOR_STAFF": "false",  # the switch dev.py reads must not reach production
    }

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.MFA_REQUIRED_FOR_STAFF)",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_deploy_check_refuses_settings_without_the_requirement(settings):
    from django.core.checks import registry

    from marketplace.checks import mfa_enforced

    assert mfa_enforced in registry.registry.get_checks(include_deployment_checks=True)
    assert django_settings.MFA_REQUIRED_FOR_STAFF is True
    assert mfa_enforced(None) == []

    settings.MFA_REQUIRED_FOR_STAFF = False

    assert [error.id for error in mfa_enforced(None)] == ["pilotmarked.E001"]


# --- Every allauth page in the site's layout, in both languages --------------------------------


@pytest.fixture
def account_client(client, settings):
    """A person who logged in, confirmed their password and activated TOTP, all through HTTP."""
    settings.MFA_TOTP_TOLERANCE = 1
    user = verified_user("sikker@example.test")
    log_in(client, user.email)
    client.post("/en/accounts/reauthenticate/", {"password": PASSWORD})
    page = parse(client.get("/en/accounts/2fa/totp/activate/"))
    secret = page.first("input", id="authenticator_secret").get("value")
    client.post("/en/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert has_mfa(user)
    return client


ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/no-such-key/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-no-such-key/",
]
ACCOUNT_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/logout/",
    "/accounts/sessions/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/deactivate/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/2fa/recovery-codes/generate/",
]


def assert_site_page(response, lang: str) -> str:
    assert response.status_code == 200
    page = parse(response)
    assert page.first("html").get("lang") == lang
    assert len(page.select("h1")) == 1
    assert page.first("main", id="main")
    assert page.select(class_="language-switch")  # a form signed in, links anonymous
    return page.first("h1").text


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_account_pages_in_both_languages(client, path):
    english = assert_site_page(client.get(f"/en{path}"), "en")
    bokmal = assert_site_page(client.get(path), "nb")

    assert english != bokmal  # allauth ships Bokmål for its own pages


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_signed_in_account_pages_in_both_languages(account_client, path):
    english = assert_site_page(account_client.get(f"/en{path}"), "en")
    bokmal = assert_site_page(account_client.get(path), "nb")

    assert english != bokmal
