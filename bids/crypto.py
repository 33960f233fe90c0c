"""Sealing: envelope encryption of bid content and documents (Annex IV b, d, e, f).

Every bid has its own random 256-bit data key. Bid content and documents are encrypted with it
(AES-GCM); the data key itself is stored only wrapped (AES-GCM again) by a key-encryption key
(KEK) that comes from the environment (``BID_KEYS``), never from the database. A database dump
and the storage folder together hold no plaintext and no usable key.

``BID_KEYS`` is a comma-separated list of ``id:key`` where key is 32 random bytes in URL-safe
base64. The first entry is the current key: new bids are wrapped with it. Older entries stay
only to unwrap bids wrapped before a rotation; ``manage.py rotate_bid_keys`` re-wraps every data
key with the current KEK, after which old entries may be removed.

Each ciphertext is bound to where it belongs through the AES-GCM associated data (``aad``): the
bid's public id, plus the document's id for documents. A blob copied onto another bid's row does
not decrypt.

Documents are sealed in chunks (format ``PMB2``, :func:`seal_stream`/:func:`unseal_stream`), so
a 200 MB file is encrypted and decrypted one chunk at a time: the header is ``b"PMB2"``, the
chunk size (4 bytes, big-endian) and a random 7-byte nonce prefix; then every chunk of plaintext
(the last one may be shorter or empty) is AES-GCM encrypted on its own, with the nonce
``prefix + counter (4 bytes) + final flag (1 byte)``. Chunks cannot be reordered (counter),
dropped at the end (only the last chunk carries the final flag) or moved between blobs (prefix
and ``aad``). Blobs of the one-shot format ``PMB1`` (documents sealed before the chunked format)
still decrypt: :func:`unseal_stream` reads both.

Generate a key (``new_key_text()`` does the same)::

    python -c 'import base64,os; print("k1:" + base64.urlsafe_b64encode(os.urandom(32)).decode())'
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Format marker and version of every blob we write: b"PMB1" + 12-byte nonce + ciphertext+tag.
MAGIC = b"PMB1"
NONCE_BYTES = 12
KEY_BYTES = 32
TAG_BYTES = 16
# The chunked format for documents.
STREAM_MAGIC = b"PMB2"
CHUNK_BYTES = 1024 * 1024
PREFIX_BYTES = 7
STREAM_HEADER_BYTES = len(STREAM_MAGIC) + 4 + PREFIX_BYTES


class SealError(Exception):
    """A blob could not be decrypted: wrong key, wrong place (aad) or tampered with."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise SealError(
                f"key-encryption key {key_id!r} is not in BID_KEYS; it is needed to unwrap this "
                "bid's data key"
            ) from None


def parse_keys(value: str | list[str] | tuple[str, ...]) -> Keyring:
    """Read ``BID_KEYS`` ("id:base64key,id2:base64key2"); raise ImproperlyConfigured naming
    what is wrong (never the key itself)."""
    entries = value.split(",") if isinstance(value, str) else list(value)
    entries = [entry.strip() for entry in entries if entry and entry.strip()]
    if not entries:
        raise ImproperlyConfigured("BID_KEYS is empty: bids cannot be sealed without a key.")
    keys: dict[str, bytes] = {}
    for position, entry in enumerate(entries, start=1):
        key_id, sep, encoded = entry.partition(":")
        if not sep or not key_id or not encoded:
            raise ImproperlyConfigured(f"BID_KEYS entry {position} is not of the form id:key.")
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"BID_KEYS entry {key_id!r} is not base64.") from None
        if len(raw) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"BID_KEYS entry {key_id!r} is {len(raw)} bytes; it must be {KEY_BYTES}."
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"BID_KEYS names the key id {key_id!r} twice.")
        keys[key_id] = raw
    return Keyring(current_id=next(iter(keys)), keys=keys)


@lru_cache(maxsize=4)
def _keyring_for(value: str) -> Keyring:
    return parse_keys(value)


def keyring() -> Keyring:
    """The configured keyring (cached per value, so tests that override BID_KEYS see theirs)."""
    value = settings.BID_KEYS
    if not isinstance(value, str):
        value = ",".join(value)
    return _keyring_for(value)


def new_key_text(key_id: str = "k1") -> str:
    """A fresh ``id:key`` entry for BID_KEYS."""
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()}"


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def _encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    blob = bytes(blob)
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + NONCE_BYTES + 16:
        raise SealError("not a sealed blob")
    nonce = blob[len(MAGIC) : len(MAGIC) + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, blob[len(MAGIC) + NONCE_BYTES :], aad)
    except InvalidTag:
        raise SealError("the blob does not decrypt with this key (tampered or moved)") from None


def wrap_key(data_key: bytes, *, aad: bytes, ring: Keyring | None = None) -> tuple[str, bytes]:
    """Wrap a data key with the current KEK. Returns (kek id, wrapped key)."""
    ring = ring or keyring()
    return ring.current_id, _encrypt(ring.key(ring.current_id), data_key, b"key|" + aad)


def unwrap_key(kek_id: str, wrapped: bytes, *, aad: bytes, ring: Keyring | None = None) -> bytes:
    ring = ring or keyring()
    return _decrypt(ring.key(kek_id), wrapped, b"key|" + aad)


def seal(data_key: bytes, plaintext: bytes, *, aad: bytes) -> bytes:
    """Encrypt ``plaintext`` with a bid's data key, bound to ``aad``."""
    return _encrypt(data_key, plaintext, b"data|" + aad)


def unseal(data_key: bytes, blob: bytes, *, aad: bytes) -> bytes:
    return _decrypt(data_key, blob, b"data|" + aad)


# --- Chunked (streaming) format for documents --------------------------------------------------


def _chunk_nonce(prefix: bytes, counter: int, final: bool) -> bytes:
    if counter >= 2**32:
        raise SealError("too many chunks for one blob")
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if final else b"\x00")


def seal_stream(
    data_key: bytes, chunks: Iterable[bytes], *, aad: bytes, chunk_size: int = CHUNK_BYTES
) -> Iterator[bytes]:
    """Encrypt the plaintext ``chunks`` (any sizes) in the chunked format, yielding the blob
    piece by piece; at most one chunk of plaintext is held at a time."""
    prefix = os.urandom(PREFIX_BYTES)
    aead = AESGCM(data_key)
    associated = b"data|" + aad
    yield STREAM_MAGIC + chunk_size.to_bytes(4, "big") + prefix
    buffer = bytearray()
    counter = 0
    for piece in chunks:
        buffer += piece
        while len(buffer) > chunk_size:  # more follows, so this chunk is not the last
            block = bytes(buffer[:chunk_size])
            del buffer[:chunk_size]
            yield aead.encrypt(_chunk_nonce(prefix, counter, False), block, associated)
            counter += 1
    yield aead.encrypt(_chunk_nonce(prefix, counter, True), bytes(buffer), associated)


def unseal_stream(data_key: bytes, handle: BinaryIO, *, aad: bytes) -> Iterator[bytes]:
    """Decrypt a blob read from ``handle``, yielding plaintext chunks; each chunk is
    authenticated before it is yielded. Reads both the chunked and the one-shot format."""
    magic = handle.read(len(STREAM_MAGIC))
    if magic == MAGIC:
        yield unseal(data_key, magic + handle.read(), aad=aad)
        return
    header = handle.read(STREAM_HEADER_BYTES - len(STREAM_MAGIC))
    if magic != STREAM_MAGIC or len(header) != STREAM_HEADER_BYTES - len(STREAM_MAGIC):
        raise SealError("not a sealed blob")
    chunk_size = int.from_bytes(header[:4], "big")
    prefix = header[4:]
    if not 0 < chunk_size <= 64 * CHUNK_BYTES:
        raise SealError("not a sealed blob")
    aead = AESGCM(data_key)
    associated = b"data|" + aad
    block = handle.read(chunk_size + TAG_BYTES)
    counter = 0
    while True:
        following = (
            handle.read(chunk_size + TAG_BYTES) if len(block) == chunk_size + TAG_BYTES else b""
        )
        final = not following
        try:
            yield aead.decrypt(_chunk_nonce(prefix, counter, final), block, associated)
        except InvalidTag:
            raise SealError("the blob does not decrypt with this key (tampered or moved)") from None
        if final:
            return
        block = following
        counter += 1
