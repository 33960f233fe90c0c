"""System checks: bids cannot be sealed without a valid key-encryption key."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from bids.crypto import keyring


@checks.register(checks.Tags.security)
def bid_keys_check(app_configs, **kwargs):
    try:
        keyring()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), hint="See BID_KEYS in .env.example.", id="bids.E001")]
    return []
