"""The accessibility crawl of the two-factor steps that only a real sign-in reaches.

The code page of a half-finished login (``mfa_authenticate``) exists only between the password and
the code, and the recovery-code and deactivation pages want a recent reauthentication, which
allauth records in the session when someone gives the password (or a code) again. So a person
with an active TOTP signs in through the browser, in each language: the code page is checked, the
code is typed, the code page of a reauthentication is checked, the password is given again, and
the pages that need a recent reauthentication are checked in the same session. Each check is the
crawl's own (axe with WCAG 2.0/2.1/2.2 A and AA and best practice, and reflow at 320 px;
tests/e2e/test_a11y_crawl.py ``CRAWLED_BY_FLOWS`` names these patterns for its coverage test).
"""

from __future__ import annotations

import pytest

from tests.e2e.test_a11y_crawl import CRAWLED_BY_FLOWS, _check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "to-trinn-og-tilgjengelig"
# Seen after the code, in this order: the code page of a reauthentication; then, once the
# password has been given again (allauth records a reauthentication, a sign-in is not one), the
# pages that want a recent one.
SIGNED_IN_STEPS = {
    "mfa_reauthenticate": "/accounts/2fa/reauthenticate/",
    "mfa_view_recovery_codes": "/accounts/2fa/recovery-codes/",
    "mfa_generate_recovery_codes": "/accounts/2fa/recovery-codes/generate/",
    "mfa_deactivate_totp": "/accounts/2fa/totp/deactivate/",
}


def _person_with_totp(email: str):
    """A supplier's member with a password, a verified address, TOTP and recovery codes."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from marketplace.models import Role
    from tests.conftest import with_totp
    from tests.factories import MembershipFactory, SupplierFactory, UserFactory

    user = with_totp(UserFactory(email=email))
    RecoveryCodes.activate(user)
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    MembershipFactory(user=user, organisation=SupplierFactory(), role=Role.SUPPLIER_MEMBER)
    return user


def _current_code(user) -> str:
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(decrypt(totp.data["secret"]), counter))


def test_flow_pages_are_the_ones_the_crawl_leaves_to_this_module():
    assert {"mfa_authenticate", *SIGNED_IN_STEPS} == set(CRAWLED_BY_FLOWS)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_two_factor_steps_have_no_axe_findings_and_reflow(prefix, new_page, axe):
    user = _person_with_totp(f"to-trinn{prefix.replace('/', '-')}@fjordlys.test")
    page = new_page()
    page.set_default_timeout(30_000)  # the first request of a loaded live server can be slow
    problems = []

    # the password, then the code page of the half-finished login
    page.goto(f"{prefix}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")
    assert page.url.endswith(f"{prefix}/accounts/2fa/authenticate/"), page.url
    assert page.locator("html").get_attribute("lang") == ("en" if prefix else "nb")
    problems.extend(_check(page, axe, page.url))

    # the code: signed in, and the authentication is recent
    page.fill("input[name=code]", _current_code(user))
    with page.expect_navigation():
        page.locator("input[name=code]").press("Enter")
    assert "/2fa/authenticate/" not in page.url, "the code was not accepted"

    for name, path in SIGNED_IN_STEPS.items():
        if name == "mfa_view_recovery_codes":
            page.goto(f"{prefix}/accounts/reauthenticate/")
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation():
                page.locator("input[name=password]").press("Enter")
        response = page.goto(prefix + path)
        assert response.status == 200, f"{name}: status {response.status}"
        assert page.url.endswith(prefix + path), f"{name}: sent on to {page.url}"
        problems.extend(_check(page, axe, page.url))

    assert not problems, f"{len(problems)} problem(s) in the two-factor steps:\n" + "\n".join(
        problems
    )
