"""A database dump and the storage folders hold no plaintext of a submitted bid.

The content and a document carry a marker; every row of every table (as text, and binary
columns in hex and escape forms) and every file under MEDIA_ROOT and the private storage root
are searched for it, as UTF-8 and as UTF-16. The supplier can still read its bid.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bids.services import sealing
from bids.services.bids import read_content
from tenders.storage import private_document_storage
from tests.factories.bids import (
    complete_content,
    submitted_bid,
    supplier_member,
    tender_ready_for_bids,
)

MARKER = "MARKER-7f3a9"
pytestmark = pytest.mark.django_db


def _needles() -> list[bytes]:
    return [
        MARKER.encode(),
        MARKER.encode("utf-16-le"),
        MARKER.encode("utf-16-be"),
        MARKER.encode().hex().encode(),
        MARKER.encode("utf-16-le").hex().encode(),
    ]


def _pdf_with_marker() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"% " + MARKER.encode() + b" " + MARKER.encode("utf-16-le") + b"\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _database_dump() -> bytes:
    """Every row of every table as the database prints it."""
    chunks: list[bytes] = []
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT t::text FROM {quoted} t")  # noqa: S608 (table names)
                chunks.extend(str(row[0]).encode() for row in cursor.fetchall())
                columns = connection.introspection.get_table_description(cursor, table)
                for column in columns:
                    cursor.execute(
                        "SELECT data_type FROM information_schema.columns "
                        "WHERE table_name = %s AND column_name = %s",
                        [table, column.name],
                    )
                    if cursor.fetchone()[0] != "bytea":
                        continue
                    name = connection.ops.quote_name(column.name)
                    cursor.execute(
                        f"SELECT encode({name}, 'hex'), encode({name}, 'escape') FROM {quoted}"  # noqa: S608
                    )
                    for hexed, escaped in cursor.fetchall():
                        chunks.extend([(hexed or "").encode(), (escaped or "").encode()])
            else:
                cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608
                for row in cursor.fetchall():
                    for value in row:
                        if isinstance(value, bytes | memoryview):
                            raw = bytes(value)
                            chunks.extend([raw, raw.hex().encode()])
                        else:
                            chunks.append(str(value).encode())
    assert any(b"bids_bid" in table.encode() for table in tables)
    return b"\n".join(chunks)


def _storage_files() -> list[Path]:
    roots = {Path(settings.MEDIA_ROOT), Path(private_document_storage.location)}
    return [path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()]


def test_no_plaintext_of_a_submitted_bid_in_the_database_or_the_files():
    # given a submitted bid whose content and document carry the marker
    tender = tender_ready_for_bids(lots=1)
    user = supplier_member()
    content = complete_content(tender, text=f"Svar {MARKER}")
    bid = submitted_bid(
        tender=tender,
        by=user,
        content=content,
        documents=[(f"{MARKER}.pdf", _pdf_with_marker())],
    )

    # when the database and the storage are searched
    dump = _database_dump()
    files = _storage_files()

    # then the marker is nowhere
    assert len(dump) > 1000  # the dump found rows
    # the search does find what is stored in plain text: the receipt number and the tender
    assert bid.receipt_code.encode() in dump and tender.title.encode() in dump
    assert bytes(bid.wrapped_key).hex().encode() in dump  # binary columns are read too
    assert bytes(bid.sealed_content) and b"PMB1" in bytes(bid.sealed_content)
    for needle in _needles():
        assert needle not in dump, needle
    assert files, "the document was written to the private storage"
    for path in files:
        data = path.read_bytes()
        assert MARKER not in path.name
        for needle in _needles():
            assert needle not in data, (path, needle)

    # and the supplier still reads its bid
    assert read_content(bid).message == f"Svar {MARKER}"
    document = bid.documents.get()
    assert sealing.unseal_document_meta(document)["name"] == f"{MARKER}.pdf"
    assert MARKER.encode() in sealing.unseal_document_bytes(document)
