"""OCDS release and record packages: valid against OCDS 1.1.5 with the declared extensions
(jsonschema, no undeclared field; libcoveocds), read from the release store."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tenders.models import Need, OcdsRelease
from tenders.ocds.extensions import extension_urls
from tenders.ocds.store import releases_publish_all
from tests.factories import (
    AmendmentFactory,
    NeedFactory,
    QualificationRequirementFactory,
    QuestionFactory,
    TenderDocumentFactory,
    TenderFactory,
    cpv_code,
)

from .conftest import cove_results, ocds_errors, reference_file

pytestmark = pytest.mark.django_db
PREFIX = "ocds-test01-pilotmarked-"


@pytest.fixture(autouse=True)
def _ocds_settings(settings):
    settings.OCDS_OCID_PREFIX = PREFIX
    settings.OCDS_PAGE_SIZE = 100


@pytest.fixture
def tenders(buyer, buyer_unit):
    it = cpv_code("72000000", "IT services")
    software = cpv_code("72212000", "Programming services of application software")
    need = NeedFactory(buyer=buyer, unit=buyer_unit, open=True, title="Smartere skoleskyss")
    published = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        published=True,
        need=need,
        main_cpv=it,
        additional_cpv=[software],
        lots=2,
        criteria=[60, 40],
        reference="AFK-2026-0001",
    )
    published.lots.first().cpv_codes.set([software])
    QualificationRequirementFactory(tender=published)
    QuestionFactory(tender=published, answered=True)
    TenderDocumentFactory(tender=published)
    amended = TenderFactory(buyer=buyer, unit=buyer_unit, published=True, main_cpv=it)
    AmendmentFactory(tender=amended, number=1, is_deadline_extension=True)
    closed = TenderFactory(buyer=buyer, closed=True)
    cancelled = TenderFactory(buyer=buyer, cancelled=True, main_cpv=None)
    draft = TenderFactory(buyer=buyer)
    external = TenderFactory(external=True)
    releases_publish_all()
    return {
        "published": published,
        "amended": amended,
        "closed": closed,
        "cancelled": cancelled,
        "draft": draft,
        "external": external,
    }


def get_json(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


# --- The validator itself -------------------------------------------------------------------


def test_the_validator_accepts_the_official_example_and_catches_bad_releases():
    example = json.loads(
        reference_file("ocds_1.1_fictional_example_release_package.json").read_text()
    )
    assert ocds_errors(example) == []
    prozorro = json.loads(
        reference_file("ocds_real_sample_releases_ukraine_prozorro.json").read_text()
    )
    releases = prozorro if isinstance(prozorro, list) else prozorro["releases"]
    package = {**example, "releases": releases}
    assert ocds_errors(package) != []


# --- Release package ----------------------------------------------------------------------------


def test_release_package_validates_with_no_errors(client, tenders, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        package = get_json(client, "/ocds/releases.json")

    assert ocds_errors(package) == []
    ocids = {release["ocid"] for release in package["releases"]}
    public_own = ("published", "amended", "closed", "cancelled")
    assert ocids == {f"{PREFIX}{tenders[name].reference}" for name in public_own}
    assert package["version"] == "1.1"
    assert package["extensions"] == extension_urls()
    assert "next" not in package.get("links", {})


def test_release_package_passes_libcoveocds_offline(client, tenders):
    package = get_json(client, "/ocds/releases.json")

    results = cove_results(package)

    assert results["validation_errors"] == []
    assert results.get("json_deref_error") is None
    assert results["version_used"] == "1.1"
    # the declared extensions were applied (served offline), and no field is undeclared
    assert results["extensions"]["invalid_extension"] == {}
    assert results["extensions"]["is_extended_schema"] is True
    assert results["additional_fields"] == []


def test_a_tender_release_carries_lots_items_periods_and_the_need(client, tenders):
    package = get_json(client, "/ocds/releases.json")
    ocid = f"{PREFIX}AFK-2026-0001"
    releases = [release for release in package["releases"] if release["ocid"] == ocid]

    planning, tender_release = releases
    assert planning["tag"] == ["planning"]
    assert planning["planning"]["rationale"].startswith("Elevene venter")
    assert tender_release["tag"] == ["tender"]
    tender = tender_release["tender"]
    published = tenders["published"]
    assert tender["id"] == "AFK-2026-0001"
    assert tender["status"] == "active"
    assert tender["procurementMethod"] == "open"
    assert tender["value"] == {"amount": 1500000, "currency": "NOK"}
    deadline = published.submission_deadline.astimezone(datetime.UTC)
    assert tender["tenderPeriod"]["endDate"] == deadline.isoformat().replace("+00:00", "Z")
    assert [lot["id"] for lot in tender["lots"]] == ["lot-1", "lot-2"]
    lots = {lot.number: lot.suitable_for_smb for lot in published.lots.all()}
    assert [lot["suitability"] for lot in tender["lots"]] == [{"sme": lots[1]}, {"sme": lots[2]}]
    assert "suitableForSmes" not in tender["lots"][0]
    assert [item["relatedLot"] for item in tender["items"]] == ["lot-1", "lot-2"]
    assert tender["items"][0]["classification"] == {
        "scheme": "CPV",
        "id": "72212000",
        "description": "Programming services of application software",
    }
    assert tender["awardCriteriaDetails"].endswith("40 %")
    assert tender["hasEnquiries"] is True
    assert tender["documents"][0]["format"] == "application/pdf"
    assert "<" not in tender["description"]  # plain text, not the stored HTML
    assert tender_release["parties"][0]["id"] == f"NO-BRC-{published.buyer.org_number}"
    assert tender_release["buyer"]["name"] == "Akershus fylkeskommune"
    assert tender_release["parties"][0]["contactPoint"] == {"name": published.unit.name}
    assert "details" not in tender_release["parties"][0]
    assert tender_release["id"] == f"{PREFIX}AFK-2026-0001-002-tender"
    assert planning["id"] == f"{PREFIX}AFK-2026-0001-001-planning"


def test_amendments_and_cancellations_set_the_release_tag(client, tenders):
    package = get_json(client, "/ocds/releases.json")
    by_ocid = {release["ocid"]: release for release in package["releases"]}

    amended = by_ocid[f"{PREFIX}{tenders['amended'].reference}"]
    assert amended["tag"] == ["tenderAmendment"]
    assert amended["tender"]["amendments"][0]["id"] == "1"
    cancelled = by_ocid[f"{PREFIX}{tenders['cancelled'].reference}"]
    assert cancelled["tag"] == ["tenderCancellation"]
    assert cancelled["tender"]["status"] == "cancelled"
    assert by_ocid[f"{PREFIX}{tenders['closed'].reference}"]["tag"] == ["tenderUpdate"]


def test_a_draft_need_stays_out_of_the_planning_release(client, buyer, buyer_unit):
    need = NeedFactory(buyer=buyer, unit=buyer_unit, status=Need.Status.DRAFT)
    TenderFactory(buyer=buyer, unit=buyer_unit, published=True, need=need)
    releases_publish_all()

    package = get_json(client, "/ocds/releases.json")

    assert [release["tag"] for release in package["releases"]] == [["tender"]]
    assert "planning" not in package["releases"][0]


def test_release_package_pages_with_links(client, settings, buyer):
    settings.OCDS_PAGE_SIZE = 2
    for _ in range(3):
        TenderFactory(buyer=buyer, published=True)
    releases_publish_all()

    first = get_json(client, "/ocds/releases.json")
    assert len(first["releases"]) == 2
    assert first["links"]["next"] == "http://testserver/ocds/releases.json?page=2"
    second = client.get(first["links"]["next"]).json()
    assert len(second["releases"]) == 1
    assert "next" not in second["links"]
    assert second["links"]["prev"] == "http://testserver/ocds/releases.json?page=1"
    assert ocds_errors(second) == []


def test_since_keeps_only_releases_dated_from_then(client, buyer):
    old = TenderFactory(buyer=buyer, published=True)
    new = TenderFactory(buyer=buyer, published=True)
    releases_publish_all()
    # a row's date set directly: the store itself never changes a published release
    OcdsRelease.objects.filter(tender=old).update(date=timezone.now() - datetime.timedelta(days=10))
    since = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()

    package = get_json(client, "/ocds/releases.json", since=since)
    records = get_json(client, "/ocds/records.json", since=since)

    assert [release["tender"]["id"] for release in package["releases"]] == [new.reference]
    assert [record["ocid"] for record in records["records"]] == [PREFIX + new.reference]


@pytest.mark.parametrize("params", [{"since": "yesterday"}, {"page": "0"}, {"page": "x"}])
def test_bad_parameters_answer_400(client, params):
    response = client.get("/ocds/releases.json", params)
    assert response.status_code == 400
    assert "error" in response.json()


# --- Record package -----------------------------------------------------------------------------


def test_record_package_validates_with_jsonschema_and_libcoveocds(client, tenders):
    package = get_json(client, "/ocds/records.json")

    assert ocds_errors(package, kind="record") == []
    results = cove_results(package)
    assert results["validation_errors"] == []
    assert results["additional_fields"] == []
    record = next(r for r in package["records"] if r["ocid"] == f"{PREFIX}AFK-2026-0001")
    assert [release["tag"] for release in record["releases"]] == [["planning"], ["tender"]]
    assert record["compiledRelease"]["tag"] == ["compiled"]
    assert record["compiledRelease"]["planning"]["rationale"]


def test_one_record_by_ocid_and_404_for_drafts_doffin_and_strangers(client, tenders):
    url = reverse("tenders_data:ocds_record", args=[f"{PREFIX}AFK-2026-0001"])
    assert url == f"/ocds/records/{PREFIX}AFK-2026-0001.json"
    package = get_json(client, url)
    assert ocds_errors(package, kind="record") == []
    assert [record["ocid"] for record in package["records"]] == [f"{PREFIX}AFK-2026-0001"]

    for tender in (tenders["draft"], tenders["external"]):
        missing = reverse("tenders_data:ocds_record", args=[f"{PREFIX}{tender.reference}"])
        assert client.get(missing).status_code == 404
    assert client.get("/ocds/records/ocds-other-AFK-2026-0001.json").status_code == 404
