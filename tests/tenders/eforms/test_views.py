"""The buyer's notice preview, XML download and send action; other organisations get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, buyer, below):
    from marketplace.models import Role
    from tests.factories.bid_evaluation import buyer_user

    client.force_login(buyer_user(buyer, Role.PROCUREMENT_OFFICER))
    return client


def url(name: str, tender, kind: str = "contract") -> str:
    return reverse(f"tenders:{name}", kwargs={"reference": tender.reference, "kind": kind})


def test_the_preview_shows_the_notice_in_words(officer_client, below, settings):
    settings.EFORMS_SDK_DIR = ""

    response = officer_client.get(url("notice_preview", below))

    body = response.content.decode()
    assert response.status_code == 200
    assert below.title in body and "LOT-0001" in body and "930580783" in body
    assert "EFORMS_SDK_DIR" in body  # says validation is not configured instead of guessing


def test_the_xml_downloads_as_an_attachment(officer_client, below):
    response = officer_client.get(url("notice_download", below))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"<ContractNotice" in content


def test_sending_unconfigured_says_nothing_was_sent(officer_client, below, settings):
    from tenders.models import NoticeSubmission

    settings.DOFFIN_NOTICES_API_URL = ""

    response = officer_client.post(url("notice_send", below), follow=True)

    assert "DOFFIN_NOTICES_API_URL" in response.content.decode()  # says what is missing
    assert not NoticeSubmission.objects.exists()


@pytest.mark.parametrize("name", ["notice_preview", "notice_download"])
def test_another_organisation_gets_404(client, below, name):
    from marketplace.models import Role
    from tests.factories import BuyerFactory
    from tests.factories.bid_evaluation import buyer_user

    client.force_login(buyer_user(BuyerFactory(), Role.PROCUREMENT_OFFICER))

    assert client.get(url(name, below)).status_code == 404
    assert client.post(url("notice_send", below)).status_code == 404


def test_an_unknown_kind_is_404(officer_client, below):
    assert officer_client.get(url("notice_preview", below, kind="pin")).status_code == 404


def test_the_page_lists_the_notices_sent_with_status_and_doffin_id(officer_client, below, settings):
    from tenders.models import NoticeSubmission

    settings.EFORMS_SDK_DIR = ""
    NoticeSubmission.objects.create(
        tender=below,
        kind="contract",
        subtype="E3",
        notice_id="0b9b7c4e-2f5e-4d7a-9a49-6c1f3c1d2e10",
        version="01",
        procedure_id="7d1c1c0e-8f0a-4b8e-9d55-2b7d1f0c9a11",
        xml="<ContractNotice/>",
        status=NoticeSubmission.Status.PUBLISHED,
        doffin_id="2026-100001",
    )

    body = officer_client.get(url("notice_preview", below)).content.decode()

    assert "2026-100001" in body and "Publisert" in body
