"""Pages are indexed once, in our search index: Wagtail's admin search reads the pages' fields
(its fallback backend, which keeps no index), and publishing writes no Wagtail index entry."""

from __future__ import annotations

import pytest
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from search.models import SearchDocument
from tests.conftest import with_totp
from tests.factories import UserFactory, make_news

pytestmark = pytest.mark.django_db


def test_publishing_a_page_writes_our_index_and_no_wagtail_index_entry(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        page = make_news(title="Leverandørdag om fylkesveier", lead="Velkommen til dialog.")

    assert SearchDocument.objects.filter(kind="page", object_id=page.pk).count() == 1
    assert IndexEntry.objects.count() == 0


def test_wagtail_admin_page_search_still_finds_a_page_by_its_title(client):
    page = make_news(title="Leverandørdag om fylkesveier", lead="Velkommen til dialog.")
    make_news(title="Innovasjonspris delt ut")
    client.force_login(with_totp(UserFactory(is_staff=True, is_superuser=True)))

    response = client.get("/cms-admin/pages/search/", {"q": "leverandørdag"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Leverandørdag om fylkesveier" in html
    assert f"/cms-admin/pages/{page.pk}/edit/" in html
    assert "Innovasjonspris delt ut" not in html


def test_wagtail_search_in_code_finds_pages_without_an_index():
    page = make_news(title="Leverandørdag om fylkesveier")

    found = get_search_backend().search("fylkesveier", type(page))

    assert [result.pk for result in found] == [page.pk]
