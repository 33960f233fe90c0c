"""Keeping the index true: domain events and Wagtail's signals queue indexing on commit, and
``manage.py search_index`` rebuilds with progress and exit codes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from marketplace.services.profiles import profile_publish, profile_unpublish, profile_update
from search.backends.database import DatabaseBackend
from search.indexing import index_object
from search.models import SearchDocument
from search.queries import SiteQuery
from tenders.services import tenders as tender_services
from tests.factories import ListedSupplierProfileFactory, TenderFactory, cpv_code, make_news


def _titles(text: str, kind: str | None = None) -> list[str]:
    query = SiteQuery(text, kinds=[kind] if kind else [])
    return [hit.title for hit in DatabaseBackend().search(query).hits]


@pytest.fixture
def draft(db, buyer, buyer_unit):
    return TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        main_cpv=cpv_code("45233141", "Road-maintenance works"),
        contract_type="works",
        title="Brøyting av fylkesvei",
    )


def test_publishing_a_tender_indexes_it_after_commit(
    draft, procurement_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tender_services.tender_publish(tender=draft, by=procurement_officer)
        assert _titles("fylkesveier") == []  # not before the commit

    assert _titles("fylkesveier") == ["Brøyting av fylkesvei"]


def test_a_rolled_back_publish_indexes_nothing(
    draft, procurement_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        tender_services.tender_publish(tender=draft, by=procurement_officer)
        transaction.set_rollback(True)

    assert not SearchDocument.objects.exists()


def test_cancelling_keeps_the_tender_searchable_with_its_new_status(
    draft, procurement_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tender_services.tender_publish(tender=draft, by=procurement_officer)
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        tender_services.tender_cancel(tender=draft, by=procurement_officer, reason="Endret behov.")

    row = SearchDocument.objects.get(kind="tender", object_id=draft.pk)
    assert row.status == "cancelled"


def test_supplier_profile_events_index_and_unlist(
    supplier, supplier_admin, django_capture_on_commit_callbacks
):
    profile = ListedSupplierProfileFactory(
        organisation=supplier, is_published=False, description_nb="Vi brøyter veier."
    )
    with django_capture_on_commit_callbacks(execute=True):
        profile_publish(profile=profile, by=supplier_admin)
    assert _titles("veier", "supplier") == ["Fjordlys Teknologi AS"]

    with django_capture_on_commit_callbacks(execute=True):
        profile_update(profile=profile, by=supplier_admin, description_nb="Vi strør gangveier.")
    assert _titles("strør", "supplier") == ["Fjordlys Teknologi AS"]

    with django_capture_on_commit_callbacks(execute=True):
        profile_unpublish(profile=profile, by=supplier_admin)
    assert _titles("strør", "supplier") == []


def test_publishing_a_page_indexes_it(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = make_news(title="Leverandørdag om fylkesveier", lead="Velkommen til dialog.")

    assert _titles("fylkesvei", "page") == ["Leverandørdag om fylkesveier"]

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert _titles("fylkesvei", "page") == []


def test_indexing_is_idempotent_and_removes_what_is_no_longer_public(db):
    tender = TenderFactory(published=True, title="Brøyting av fylkesvei")

    assert index_object("tender", tender.pk) == "indexed"
    assert index_object("tender", tender.pk) == "indexed"
    assert SearchDocument.objects.filter(kind="tender").count() == 1

    tender.status = tender.Status.DRAFT
    tender.save()
    assert index_object("tender", tender.pk) == "removed"
    assert index_object("tender", 987_654) == "removed"
    assert not SearchDocument.objects.exists()


def test_unknown_kind_is_refused(db):
    with pytest.raises(ValueError, match="unknown kind"):
        index_object("bid", 1)


def test_rebuild_command_shows_progress_and_indexes_everything(db, capsys):
    TenderFactory(published=True, title="Brøyting av fylkesvei")
    TenderFactory(published=True, title="Strøing av gangveier")
    TenderFactory(title="Utkast")

    call_command("search_index", "--rebuild", "--kind", "tender")

    out, err = capsys.readouterr()
    assert "  tender: 2/2 (100%) [" in err  # stderr is not a terminal here: lines, not a bar
    assert "tender: 2 documents indexed" in out
    assert SearchDocument.objects.filter(kind="tender").count() == 2


def test_a_rebuild_keeps_other_kinds(db, capsys):
    ListedSupplierProfileFactory()
    call_command("search_index", "--rebuild", verbosity=0)
    TenderFactory(published=True)

    call_command("search_index", "--rebuild", "--kind", "tender", verbosity=0)

    assert SearchDocument.objects.filter(kind="supplier").count() == 1
    assert SearchDocument.objects.filter(kind="tender").count() == 1


def test_command_without_rebuild_reports_counts(db, capsys):
    TenderFactory(published=True)

    call_command("search_index", "--kind", "tender")

    out = capsys.readouterr().out
    assert "tender: 1 indexable objects" in out
    assert "backend: database" in out


def test_command_fails_in_one_line_when_elasticsearch_is_down(db, settings):
    from search.backends import get_backend

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.SEARCH_BACKEND = "search.backends.elasticsearch.ElasticsearchBackend"
    get_backend.cache_clear()
    try:
        with pytest.raises(CommandError, match="elasticsearch search backend is not available"):
            call_command("search_index", "--rebuild")
    finally:
        get_backend.cache_clear()


def test_bad_kind_is_a_usage_error(db):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("search_index", "--kind", "bid")


def test_with_elasticsearch_down_the_database_index_is_kept_and_the_task_retries(db, settings):
    from celery.exceptions import Retry

    from search.backends import get_backend
    from search.tasks import index_object as index_task

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.SEARCH_BACKEND = "search.backends.elasticsearch.ElasticsearchBackend"
    get_backend.cache_clear()
    tender = TenderFactory(published=True, title="Brøyting av fylkesvei")
    try:
        with pytest.raises(Retry):
            index_task.delay("tender", tender.pk)
        # The fallback answers with the fresh document meanwhile.
        assert [hit.title for hit in get_backend().search(SiteQuery("fylkesveier")).hits] == [
            "Brøyting av fylkesvei"
        ]
    finally:
        get_backend.cache_clear()
