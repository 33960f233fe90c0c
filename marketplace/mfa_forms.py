"""allauth's TOTP forms with our throttle and a replay marker that survive a cache outage.

allauth checks a code under its ``login_failed`` rate limit (switched off in settings: it counts
per account alone, see marketplace.accounts) and marks a used TOTP code with ``cache.add``, which
fails closed while Redis is down (every code looks used, so nobody with TOTP could log in).
These forms (``MFA_FORMS``) instead:

- count wrong codes per person and address with ``marketplace.throttling``
  (``THROTTLE_RATES["mfa_user_address"]``), 429 with Retry-After over the limit; only someone who
  already gave the right password gets here;
- accept a TOTP code once: a marker per authenticator and time step, counted like a throttle
  (cache, else database), so a code seen once is refused the second time, with or without Redis.

Recovery codes are checked by allauth as before (their use is recorded in the database).
"""

from __future__ import annotations

from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import get_adapter
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.utils.crypto import constant_time_compare

from marketplace import throttling
from marketplace.client_address import throttle_address


def totp_code_valid_once(authenticator: Authenticator, code: str) -> bool:
    """Whether ``code`` is the authenticator's current TOTP code, seen for the first time."""
    secret = decrypt(authenticator.data["secret"])
    period = mfa_settings.TOTP_PERIOD
    lifetime = period * (2 * mfa_settings.TOTP_TOLERANCE + 2)
    for counter in yield_hotp_counters_from_time():
        if constant_time_compare(code.strip(), format_hotp_value(hotp_value(secret, counter))):
            return throttling.first_use(
                "totp_used", str(authenticator.pk), at=counter * period, seconds=lifetime
            )
    return False


class _ThrottledCodeMixin:
    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        request = context.request
        key = f"{self.user.pk}\x00{throttle_address(request)}"
        verdict = throttling.peek("mfa_user_address", key)
        if not verdict.allowed:
            raise ImmediateHttpResponse(throttling.too_many_requests(request, verdict, login=True))
        main = None
        for authenticator in Authenticator.objects.filter(user=self.user).exclude(
            type=Authenticator.Type.WEBAUTHN  # WebAuthn cannot check typed codes
        ):
            if main is None or authenticator.type == Authenticator.Type.TOTP:
                main = authenticator
            if authenticator.type == Authenticator.Type.TOTP:
                valid = totp_code_valid_once(authenticator, code)
            else:
                valid = authenticator.wrap().validate_code(code)
            if valid:
                authenticator.user = self.user
                self.authenticator = authenticator
                throttling.forget("mfa_user_address", key)
                return code
        throttling.hit("mfa_user_address", key)
        if main is not None:
            self._emit_authentication_failed(main)
        raise get_adapter().validation_error("incorrect_code")


class AuthenticateForm(_ThrottledCodeMixin, AllauthAuthenticateForm):
    pass


class ReauthenticateForm(_ThrottledCodeMixin, AllauthReauthenticateForm):
    pass
