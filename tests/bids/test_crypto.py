"""The sealing envelope: keys from the environment, binding to place, rotation by re-wrapping."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from bids import crypto


def test_keys_parse_and_current_is_first():
    first, second = crypto.new_key_text("k2"), crypto.new_key_text("k1")
    ring = crypto.parse_keys(f"{first},{second}")
    assert ring.current_id == "k2"
    assert set(ring.keys) == {"k1", "k2"}
    assert all(len(key) == crypto.KEY_BYTES for key in ring.keys.values())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "empty"),
        ("nokey", "id:key"),
        ("k1:not base64!!", "base64"),
        ("k1:" + "QUJD", "3 bytes"),
    ],
)
def test_bad_keys_are_refused_with_a_reason_that_never_shows_the_key(value, message):
    with pytest.raises(ImproperlyConfigured, match=message) as info:
        crypto.parse_keys(value)
    assert "QUJD" not in str(info.value)


def test_the_same_key_id_twice_is_refused():
    key = crypto.new_key_text("k1")
    with pytest.raises(ImproperlyConfigured, match="twice"):
        crypto.parse_keys(f"{key},{key}")


def test_sealed_data_opens_only_with_its_key_and_in_its_place():
    key = crypto.new_data_key()
    blob = crypto.seal(key, b"pris 1 250 000", aad=b"bid:1")
    assert b"1 250 000" not in blob
    assert crypto.unseal(key, blob, aad=b"bid:1") == b"pris 1 250 000"
    with pytest.raises(crypto.SealError):
        crypto.unseal(key, blob, aad=b"bid:2")  # moved to another bid's row
    with pytest.raises(crypto.SealError):
        crypto.unseal(crypto.new_data_key(), blob, aad=b"bid:1")
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(crypto.SealError):
        crypto.unseal(key, tampered, aad=b"bid:1")


def test_a_data_key_is_wrapped_by_the_current_kek_and_unwrapped_by_its_id():
    old = crypto.parse_keys(crypto.new_key_text("old"))
    data_key = crypto.new_data_key()
    kek_id, wrapped = crypto.wrap_key(data_key, aad=b"bid:x", ring=old)
    assert kek_id == "old"
    assert data_key not in wrapped
    rotated = crypto.parse_keys(f"{crypto.new_key_text('new')},old:{_text(old, 'old')}")
    assert crypto.unwrap_key(kek_id, wrapped, aad=b"bid:x", ring=rotated) == data_key
    without_old = crypto.parse_keys(crypto.new_key_text("new"))
    with pytest.raises(crypto.SealError, match="'old' is not in BID_KEYS"):
        crypto.unwrap_key(kek_id, wrapped, aad=b"bid:x", ring=without_old)


def test_the_configured_keyring_comes_from_settings(settings):
    settings.BID_KEYS = [crypto.new_key_text("from-settings")]
    assert crypto.keyring().current_id == "from-settings"


def _text(ring: crypto.Keyring, key_id: str) -> str:
    import base64

    return base64.urlsafe_b64encode(ring.keys[key_id]).decode()
