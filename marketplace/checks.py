"""System checks for settings that must never be relaxed in production."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def mfa_enforced(app_configs, **kwargs):
    if not getattr(settings, "MFA_REQUIRED_FOR_STAFF", True):
        return [
            Error(
                "MFA_REQUIRED_FOR_STAFF is off; buyer staff and administrators must use TOTP.",
                id="pilotmarked.E001",
            )
        ]
    return []
