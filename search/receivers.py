"""Receivers: domain events of tenders and the marketplace, and Wagtail's page signals, each
queue one indexing task once the transaction commits. Connected in ``SearchConfig.ready``."""

from __future__ import annotations

from django.db import transaction
from wagtail.signals import page_published, page_unpublished

from marketplace.domain_events import supplier_profile_changed
from search.index_entries import Kind
from search.tasks import index_object
from tenders.domain_events import need_changed, tender_changed


def _queue(kind: str, object_id) -> None:
    """Queue the indexing task once the transaction commits. ``robust``: a broker that is down
    is logged and does not fail the change that was just committed (a rebuild repairs it)."""
    if object_id is not None:
        object_id = int(object_id)
        # A lambda, not functools.partial: Django logs a failing robust hook by its __qualname__,
        # which a partial lacks, so the log call itself would raise.
        transaction.on_commit(lambda: index_object.delay(kind, object_id), robust=True)


def on_tender_changed(sender, *, tender_id, **kwargs) -> None:
    _queue(Kind.TENDER, tender_id)


def on_need_changed(sender, *, need_id, **kwargs) -> None:
    _queue(Kind.NEED, need_id)


def on_supplier_profile_changed(sender, *, profile_id, **kwargs) -> None:
    _queue(Kind.SUPPLIER, profile_id)


def on_page_published(sender, *, instance, **kwargs) -> None:
    _queue(Kind.PAGE, instance.pk)


def on_page_unpublished(sender, *, instance, **kwargs) -> None:
    _queue(Kind.PAGE, instance.pk)


def connect() -> None:
    tender_changed.connect(on_tender_changed, dispatch_uid="search.tender_changed")
    need_changed.connect(on_need_changed, dispatch_uid="search.need_changed")
    supplier_profile_changed.connect(
        on_supplier_profile_changed, dispatch_uid="search.supplier_profile_changed"
    )
    page_published.connect(on_page_published, dispatch_uid="search.page_published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="search.page_unpublished")
