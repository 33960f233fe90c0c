"""The tender's row lock, in two strengths: everything that changes a tender takes :func:`lock`;
what only needs the tender to stay as committed while it writes (a bid's submission, a supplier's
draft work) takes :func:`lock_shared`, so such writers pass one another."""

from __future__ import annotations

from django.db import connection

from tenders.models import Tender


def lock(tender: Tender) -> Tender:
    """The tender's row, locked until the transaction ends (a no-op on SQLite)."""
    return Tender.objects.select_for_update().get(pk=tender.pk)


def lock_shared(tender: Tender) -> Tender:
    """The tender's row as committed, held in share mode until the transaction ends.

    Any number of transactions hold it at once (bids being submitted pass one another), while a
    change of the tender (:func:`lock`: amend, extend, close, open) waits for them, and they for
    it. PostgreSQL ``FOR SHARE``; on SQLite, which runs one writer at a time, a plain read.
    """
    if connection.vendor != "postgresql":
        return Tender.objects.get(pk=tender.pk)
    table = connection.ops.quote_name(Tender._meta.db_table)
    column = connection.ops.quote_name(Tender._meta.pk.column)
    query = f"SELECT * FROM {table} WHERE {column} = %s FOR SHARE"  # noqa: S608 (quoted names)
    for row in Tender.objects.raw(query, [tender.pk]):
        return row
    raise Tender.DoesNotExist(f"No tender with pk {tender.pk}")
