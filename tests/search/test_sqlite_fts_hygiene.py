"""The SQLite FTS5 table is outside Django's flush: a reused row id must not break indexing
(on PostgreSQL the vector lives in the row itself, and the same steps simply work)."""

from __future__ import annotations

import pytest

from search import index_entries as docs
from search.backends.database import DatabaseBackend
from search.backends.db_fulltext import engine
from search.models import SearchDocument
from search.queries import SiteQuery
from tests.factories import TenderFactory


@pytest.mark.django_db
def test_a_stale_full_text_row_with_a_reused_id_is_replaced():
    tender = TenderFactory(published=True, title="Brøyting av fylkesvei")
    backend = DatabaseBackend()
    backend.rebuild("tender", docs.documents("tender"))
    row_id = SearchDocument.objects.get().pk
    # given: the row goes as in a flush, its full-text entry stays behind
    SearchDocument.objects.filter(id=row_id).delete()
    # when: a new row gets the same id and is written
    SearchDocument.objects.create(
        id=row_id, kind="tender", object_id=tender.pk, title="Strøing av gangveier"
    )
    engine().after_write([row_id])

    # then
    titles = [hit.title for hit in backend.search(SiteQuery("strøing")).hits]
    assert titles == ["Strøing av gangveier"]
    assert backend.search(SiteQuery("brøyting")).total == 0
