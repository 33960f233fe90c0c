"""Documents are sealed and opened in chunks (format PMB2), and old one-shot blobs (PMB1) still
open. The chunked code never holds more than a chunk or two, whatever the file's size."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bids import crypto
from bids.models import BidDocument
from bids.services import bid_files as services
from bids.services import sealing
from tests.factories.bids import draft_bid
from tests.factories.tenders import MINIMAL_PDF

KEY = bytes(range(32))
AAD = b"bid:test|doc:1"
SIZE = 1024  # a small chunk size keeps the tests quick; the format is the same


def _seal(data: bytes, chunk_size: int = SIZE) -> bytes:
    pieces = [data[i : i + 100] for i in range(0, len(data), 100)] or [b""]
    return b"".join(crypto.seal_stream(KEY, pieces, aad=AAD, chunk_size=chunk_size))


def _open(blob: bytes, aad: bytes = AAD) -> bytes:
    return b"".join(crypto.unseal_stream(KEY, io.BytesIO(blob), aad=aad))


@pytest.mark.parametrize("length", [0, 1, SIZE - 1, SIZE, SIZE + 1, 3 * SIZE, 3 * SIZE + 7])
def test_round_trip_at_every_chunk_boundary(length):
    data = os.urandom(length)
    blob = _seal(data)
    assert blob.startswith(b"PMB2")
    assert length < 32 or data[:32] not in blob
    assert _open(blob) == data


def test_the_one_shot_format_still_opens():
    old = crypto.seal(KEY, b"gammelt dokument", aad=AAD)  # PMB1, as documents were sealed before
    assert old.startswith(b"PMB1")
    assert _open(old) == b"gammelt dokument"


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda blob: blob[: 16 + SIZE + 16], id="final-chunk-dropped"),
        pytest.param(
            lambda blob: (
                blob[:16]
                + blob[16 + SIZE + 16 : 16 + 2 * (SIZE + 16)]
                + blob[16 : 16 + SIZE + 16]
                + blob[16 + 2 * (SIZE + 16) :]
            ),
            id="chunks-swapped",
        ),
        pytest.param(lambda blob: blob[:-1] + bytes([blob[-1] ^ 1]), id="bit-flipped"),
        pytest.param(lambda blob: b"PMB3" + blob[4:], id="unknown-format"),
    ],
)
def test_tampered_blobs_do_not_open(tamper):
    blob = _seal(os.urandom(3 * SIZE + 5))
    with pytest.raises(crypto.SealError):
        _open(tamper(blob))


def test_a_blob_moved_to_another_document_does_not_open():
    with pytest.raises(crypto.SealError):
        _open(_seal(b"hemmelig"), aad=b"bid:test|doc:2")


def test_sealing_holds_at_most_one_chunk_of_a_long_stream():
    # given a generator of 200 chunks that counts how far it has been read
    consumed = 0

    def chunks():
        nonlocal consumed
        for _ in range(200):
            consumed += 1
            yield b"x" * SIZE

    # when the blob is read piece by piece, the input is never read far ahead of the output
    for produced, piece in enumerate(crypto.seal_stream(KEY, chunks(), aad=AAD, chunk_size=SIZE)):
        if produced:  # after the header, each piece is one encrypted chunk
            assert len(piece) <= SIZE + crypto.TAG_BYTES
            assert consumed - produced <= 2
    assert consumed == 200


class _CountingReader(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.largest = 0

    def read(self, size=-1):
        assert size is not None and size >= 0, "the whole blob was asked for"
        self.largest = max(self.largest, size)
        return super().read(size)


def test_opening_reads_chunk_by_chunk():
    data = os.urandom(50 * SIZE)
    reader = _CountingReader(_seal(data))
    out = crypto.unseal_stream(KEY, reader, aad=AAD)
    first = next(out)
    assert len(first) == SIZE and reader.tell() <= 16 + 2 * (SIZE + 16)  # read ahead one chunk
    assert first + b"".join(out) == data
    assert reader.largest <= SIZE + crypto.TAG_BYTES


@pytest.mark.django_db
def test_a_large_upload_is_hashed_and_sealed_in_chunks():
    data = os.urandom(3 * crypto.CHUNK_BYTES + 123)
    bid = draft_bid()

    document = services.document_upload(
        bid=bid, by=bid.created_by, uploaded=SimpleUploadedFile("stor.pdf", b"%PDF-1.7\n" + data)
    )

    assert document.sha256 == hashlib.sha256(b"%PDF-1.7\n" + data).hexdigest()
    assert document.size == len(data) + 9
    streamed = b"".join(services.document_plaintext_stream(document))
    assert streamed == b"%PDF-1.7\n" + data


@pytest.mark.django_db
def test_a_document_sealed_in_the_old_format_still_downloads(client):
    # given a document written before the chunked format (a PMB1 blob on disk)
    bid = draft_bid(documents=[("tilbud.pdf", MINIMAL_PDF)])
    document = bid.documents.get()
    key = sealing.data_key(bid)
    document.file.delete(save=False)
    document.file.save("sealed", ContentFile(crypto.seal(key, MINIMAL_PDF, aad=document.aad)))
    with document.file.open("rb") as handle:
        assert handle.read(4) == b"PMB1"

    # when its supplier downloads it
    client.force_login(bid.created_by)
    response = client.get(
        reverse(
            "bids:supplier_document_download",
            kwargs={"public_id": bid.public_id, "document_id": document.public_id},
        )
    )

    # then it streams out whole
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_a_write_that_fails_midway_leaves_no_file():
    from pathlib import Path

    from marketplace.uploads import store_chunks
    from tenders.storage import private_document_storage

    bid = draft_bid()
    document = BidDocument(bid=bid, content_type="application/pdf", size=0, sha256="")

    def chunks():
        yield b"x" * SIZE
        raise OSError("the disk is full")

    with pytest.raises(OSError, match="disk is full"):
        store_chunks(document.file, "sealed", chunks())

    root = Path(private_document_storage.location)
    assert [path for path in root.rglob("*") if path.is_file()] == []
    assert not document.file
