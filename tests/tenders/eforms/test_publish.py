"""Publishing a tender on our site and on Doffin is one action when Doffin is configured.

Against the local fake of Doffin's Notices API (``FakeDoffin``). A notice the eForms schema
refuses stops the publish: the tender stays a draft and no row is written.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from marketplace.models import AuditEvent, Role
from tenders.models import NoticeSubmission, Tender
from tests.factories import TenderFactory
from tests.factories.bid_evaluation import buyer_user
from tests.tenders.eforms.test_doffin import FakeDoffin, configure

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(buyer, cpv, place):
    """A national-band draft that meets every publishing rule (its notice is an E3)."""
    from decimal import Decimal

    from tenders.models import Criterion

    tender = TenderFactory(
        buyer=buyer,
        main_cpv=cpv,
        estimated_value=Decimal("1500000"),
        municipalities=[place],
        criteria=[60, 40],
    )
    # FOA § 7-9: climate and environment at 40 % (Norway's national rules check it)
    tender.criteria.filter(order=1).update(name="Klima og miljø", kind=Criterion.Kind.CLIMATE)
    return tender


@pytest.fixture
def officer_client(client, buyer, draft):
    client.force_login(buyer_user(buyer, Role.PROCUREMENT_OFFICER))
    return client


def publish(client, tender, prefix: str = "/en"):
    with translation.override("en" if prefix else "nb"):
        url = reverse("tenders:tender_publish", kwargs={"reference": tender.reference})
    return client.post(url, follow=True)


@pytest.fixture
def strict_sdk(settings, tmp_path: Path) -> Path:
    """The SDK with a stricter schema (telephone numbers only digits), as a newer schema might
    be: the shared reference data is untouched, the copy lives in ``tmp_path``."""
    sdk = Path(settings.EFORMS_SDK_DIR)
    if not (sdk / "schemas" / "maindoc").is_dir():
        pytest.skip("the eForms SDK (reference data) is not configured")
    copy = tmp_path / sdk.name
    shutil.copytree(sdk / "schemas", copy / "schemas")
    (copy / "schematrons").symlink_to(sdk / "schematrons")
    (tmp_path / "schxslt2").symlink_to(sdk.parent / "schxslt2")
    basics = copy / "schemas" / "common" / "UBL-CommonBasicComponents-2.3.xsd"
    text, count = re.subn(
        r'(<xsd:complexType name="TelephoneType">\s*<xsd:simpleContent>\s*)'
        r'<xsd:restriction base="udt:TextType"/>',
        r'\1<xsd:restriction base="udt:TextType"><xsd:pattern value="[0-9]+"/>'
        r"</xsd:restriction>",
        basics.read_text("utf-8"),
    )
    assert count == 1
    basics.write_text(text, "utf-8")
    settings.EFORMS_SDK_DIR = str(copy)
    return copy


@pytest.mark.eforms_rules
def test_publishing_also_sends_the_contract_notice_to_doffin(
    eforms_rules, officer_client, draft, settings, django_capture_on_commit_callbacks
):
    answer = {"doffinId": "2026-200001", "status": "Submitted"}
    with FakeDoffin([(201, answer)]) as fake:
        configure(settings, fake.url)
        with django_capture_on_commit_callbacks(execute=True):
            response = publish(officer_client, draft)

    draft.refresh_from_db()
    assert draft.status == Tender.Status.PUBLISHED
    assert f"{draft.reference} is published." in response.content.decode()
    submission = NoticeSubmission.objects.get(tender=draft)
    assert (submission.kind, submission.subtype, submission.version) == ("contract", "E3", "01")
    assert submission.status == NoticeSubmission.Status.SUBMITTED
    assert submission.doffin_id == "2026-200001"
    assert [r["body"] for r in fake.requests] == [submission.xml.encode()]
    assert draft.reference in submission.xml


@pytest.mark.eforms_rules
def test_the_notice_is_sent_only_after_the_publish_commits(
    eforms_rules, officer_client, draft, settings, django_capture_on_commit_callbacks
):
    with FakeDoffin([(201, {"doffinId": "2026-1"})]) as fake:
        configure(settings, fake.url)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            publish(officer_client, draft)
        sent_before_commit = len(fake.requests)
        for callback in callbacks:
            callback()

    assert sent_before_commit == 0
    assert len(fake.requests) == 1
    assert NoticeSubmission.objects.get(tender=draft).doffin_id == "2026-1"


@pytest.mark.eforms_rules
def test_a_notice_the_business_rules_refuse_is_never_sent_and_the_officer_sees_why(
    eforms_rules, officer_client, draft, settings, django_capture_on_commit_callbacks
):
    # given a tender that says climate and environment are met in the specification without
    # saying how (a row written past the form, which asks for the note): publishing and the XSD
    # (checked when publishing) accept the notice, Norway's national rules (the send task) do not
    from tenders.models import ClimateConsideration, Criterion

    draft.criteria.update(kind=Criterion.Kind.QUALITY)
    Tender.objects.filter(pk=draft.pk).update(
        climate_consideration=ClimateConsideration.SPECIFICATION, climate_consideration_note=""
    )
    with FakeDoffin([(201, {"doffinId": "2026-1"})]) as fake:
        configure(settings, fake.url)
        with django_capture_on_commit_callbacks(execute=True):
            publish(officer_client, draft)

    draft.refresh_from_db()
    submission = NoticeSubmission.objects.get(tender=draft)
    assert draft.status == Tender.Status.PUBLISHED
    assert fake.requests == []  # never sent
    assert submission.status == NoticeSubmission.Status.INVALID
    assert submission.response["validation"] and submission.response["problems"]
    assert any("EC-R001D" in line for line in submission.response["problems"])
    with translation.override("en"):
        url = reverse(
            "tenders:notice_preview", kwargs={"reference": draft.reference, "kind": "contract"}
        )
    page = officer_client.get(url).content.decode()
    assert "Not sent: the notice is not valid" in page
    assert "EC-R001D" in page


def test_unconfigured_publishing_works_as_before(officer_client, draft, settings):
    settings.DOFFIN_NOTICES_API_URL = ""

    publish(officer_client, draft)

    draft.refresh_from_db()
    assert draft.status == Tender.Status.PUBLISHED
    assert not NoticeSubmission.objects.exists()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_notice_the_schema_refuses_stops_the_publish_and_says_why(
    officer_client, draft, settings, strict_sdk, prefix
):
    with FakeDoffin([(201, {"doffinId": "2026-9"})]) as fake:
        configure(settings, fake.url)
        response = publish(officer_client, draft, prefix)

    body = response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Tender.Status.DRAFT and draft.published_at is None
    assert not NoticeSubmission.objects.exists()
    assert not AuditEvent.objects.filter(action="tender.published").exists()
    assert fake.requests == []
    assert "Telephone" in body  # the schema's complaint, on the tender's page
    if prefix:  # the Bokmål wording is in the drafts until the integrator merges them
        assert "nothing was published" in body


def test_the_draft_says_publishing_also_sends_to_doffin_only_when_configured(
    officer_client, draft, settings
):
    with translation.override("en"):
        url = reverse("tenders:buyer_tender_detail", kwargs={"reference": draft.reference})
    hint = "Publishing also sends the contract notice to Doffin."
    settings.DOFFIN_NOTICES_API_URL = ""
    assert hint not in officer_client.get(url).content.decode()

    configure(settings, "http://127.0.0.1:9/api")
    assert hint in officer_client.get(url).content.decode()
