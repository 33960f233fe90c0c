"""The OCDS release store: every release kept as published, records compiled by ocdsmerge, bulk
files that ocdskit reads, pilots in the implementation section, and the ocid prefix check."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from ocdskit.combine import merge
from ocdsmerge import Merger
from ocdsmerge.rules import get_merge_rules

from tenders.models import OcdsRelease, ReleaseImmutableError
from tenders.ocds.checks import ocid_prefix_registered
from tenders.ocds.extensions import merge_rules
from tenders.ocds.store import releases_publish, releases_publish_all
from tenders.ocds.tasks import ocds_publish_releases
from tenders.services import tenders as services
from tenders.services.tenders import TenderInput
from tests.factories import NeedFactory, TenderFactory, cpv_code
from tests.factories.pilots import KpiFactory, MilestoneFactory, PilotFactory, make_award

from .conftest import cove_results, extended_release_schema, ocds_errors

pytestmark = pytest.mark.django_db
PREFIX = "ocds-test01-pilotmarked-"


@pytest.fixture(autouse=True)
def _ocds_settings(settings):
    settings.OCDS_OCID_PREFIX = PREFIX
    settings.OCDS_PAGE_SIZE = 100


@pytest.fixture
def amended_twice(buyer, buyer_unit, procurement_officer, django_capture_on_commit_callbacks):
    """A tender published and amended twice through the services, its events delivered."""
    draft = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        main_cpv=cpv_code("72000000", "IT services"),
        title="Ladestasjoner",
        lots=2,
    )
    with django_capture_on_commit_callbacks(execute=True):
        tender = services.tender_publish(tender=draft, by=procurement_officer)
    for title, summary in (
        ("Ladestasjoner, utvidet", "Utvidet."),
        ("Ladestasjoner 2", "Nytt navn."),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.tender_amend(
                tender=tender,
                by=procurement_officer,
                data=TenderInput(fields={"title": title}),
                summary=summary,
            )
    return tender


def test_a_record_after_two_amendments_holds_every_release_and_ocdsmerge_compiles_it(
    client, amended_twice
):
    ocid = PREFIX + amended_twice.reference

    package = client.get(f"/ocds/records/{ocid}.json").json()

    assert ocds_errors(package, kind="record") == []
    (record,) = package["records"]
    releases = record["releases"]
    assert [release["id"] for release in releases] == [
        f"{ocid}-001-tender",
        f"{ocid}-002-tenderAmendment",
        f"{ocid}-003-tenderAmendment",
    ]
    # each release as it was published: the first still has the first title
    assert [release["tender"]["title"] for release in releases] == [
        "Ladestasjoner",
        "Ladestasjoner, utvidet",
        "Ladestasjoner 2",
    ]
    dates = [release["date"] for release in releases]
    assert dates == sorted(dates) and len(set(dates)) == 3
    # the compiled release is ocdsmerge's, with the rules of the extended standard schema
    schema_merger = Merger(merge_rules=get_merge_rules(extended_release_schema()))
    assert record["compiledRelease"] == schema_merger.create_compiled_release(releases)
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["tender"]["title"] == "Ladestasjoner 2"
    assert [a["description"] for a in compiled["tender"]["amendments"]] == [
        "Utvidet.",
        "Nytt navn.",
    ]


def test_a_redelivered_event_or_an_unchanged_tender_adds_no_release(amended_twice):
    assert releases_publish(tender_id=amended_twice.pk) == []
    assert releases_publish_all() == 0
    assert ocds_publish_releases.delay().get() == 0  # the daily task, run in-process here
    assert OcdsRelease.objects.filter(tender=amended_twice).count() == 3


def test_a_published_release_can_be_neither_changed_nor_deleted(amended_twice):
    release = OcdsRelease.objects.filter(tender=amended_twice).first()
    release.data = {**release.data, "tag": ["tenderUpdate"]}

    with pytest.raises(ReleaseImmutableError):
        release.save()
    with pytest.raises(ReleaseImmutableError):
        release.delete()
    assert OcdsRelease.objects.get(pk=release.pk).data["tag"] == ["tender"]


def test_the_command_gives_existing_tenders_their_releases_once(buyer, buyer_unit):
    # given a tender written before the store existed (no event stored anything)
    need = NeedFactory(buyer=buyer, unit=buyer_unit, open=True)
    tender = TenderFactory(buyer=buyer, unit=buyer_unit, published=True, need=need)
    first, again = StringIO(), StringIO()

    call_command("ocds_releases", stdout=first)
    call_command("ocds_releases", stdout=again)

    assert first.getvalue().strip() == "OCDS: 2 release(s) published."
    assert again.getvalue().strip() == "OCDS: 0 release(s) published."
    tags = OcdsRelease.objects.filter(tender=tender).values_list("tag", flat=True)
    assert list(tags) == ["planning", "tender"]


def test_drafts_and_doffin_imports_get_no_releases(buyer):
    draft = TenderFactory(buyer=buyer)
    external = TenderFactory(external=True, published=True)

    assert releases_publish(tender_id=draft.pk) == []
    assert releases_publish(tender_id=external.pk) == []


def test_the_shipped_merge_rules_are_the_extended_schemas():
    assert merge_rules() == get_merge_rules(extended_release_schema())


def test_bulk_files_are_read_by_ocdskit_and_libcoveocds(client, amended_twice, buyer):
    other = TenderFactory(buyer=buyer, published=True)
    releases_publish_all()

    index = client.get("/ocds/bulk/").json()
    month = f"{timezone.localdate():%Y-%m}"
    assert [entry["month"] for entry in index["releases"]] == [month]
    packages = [client.get(entry["url"]).json() for entry in index["releases"]]
    records = client.get(index["records"])

    assert records["Content-Disposition"] == 'attachment; filename="records.json"'
    assert [ocds_errors(package) for package in packages] == [[]]
    record_package = records.json()
    assert ocds_errors(record_package, kind="record") == []
    results = cove_results(record_package)
    assert (results["validation_errors"], results["additional_fields"]) == ([], [])
    # ocdskit merges the monthly release packages into the same compiled releases
    compiled = list(merge(packages, schema=extended_release_schema()))
    by_ocid = {release["ocid"]: release for release in compiled}
    assert set(by_ocid) == {PREFIX + amended_twice.reference, PREFIX + other.reference}
    for record in record_package["records"]:
        assert by_ocid[record["ocid"]] == record["compiledRelease"]


def test_a_bulk_month_without_releases_is_empty_and_a_bad_month_404(client):
    package = client.get("/ocds/bulk/releases-2020-01.json").json()
    assert package["releases"] == []
    assert client.get("/ocds/bulk/releases-2020-13.json").status_code == 404


def test_a_pilot_shows_in_the_contracts_implementation(client, buyer, buyer_unit):
    tender = TenderFactory(
        buyer=buyer,
        unit=buyer_unit,
        in_evaluation=True,
        is_pilot=True,
        main_cpv=cpv_code("72000000", "IT services"),
    )
    decision = make_award(tender=tender, contract_signed_at=timezone.now())
    type(tender).objects.filter(pk=tender.pk).update(status="awarded", awarded_at=timezone.now())
    pilot = PilotFactory(award=decision, starts_on=datetime.date(2026, 1, 5))
    MilestoneFactory(pilot=pilot, title="Sensorer montert", completed_on=datetime.date(2026, 2, 1))
    MilestoneFactory(pilot=pilot, title="Sluttrapport", due_on=datetime.date(2099, 6, 1))
    KpiFactory(
        pilot=pilot,
        name="Oppetid",
        baseline=Decimal("80"),
        measured=Decimal("92.5"),
        measured_on=datetime.date(2026, 3, 1),
    )
    releases_publish_all()
    pilot.status, pilot.outcome = "decided", "scaled_up"
    pilot.outcome_reason = "Målene ble nådd."
    pilot.decided_at = timezone.now()
    pilot.save()

    assert releases_publish_all() == 1  # the decision is a new release, the first one kept
    package = client.get("/ocds/releases.json").json()

    assert ocds_errors(package) == []
    results = cove_results(package)
    assert (results["validation_errors"], results["additional_fields"]) == ([], [])
    first, second = package["releases"]
    assert second["tag"] == ["award", "contract", "implementation"]
    implementation = second["contracts"][0]["implementation"]
    milestones = {m["title"]: m for m in implementation["milestones"]}
    assert milestones["Sensorer montert"]["status"] == "met"
    assert milestones["Sluttrapport"]["status"] == "scheduled"
    decision_milestone = implementation["milestones"][-1]
    assert decision_milestone["id"] == f"pilot-{pilot.pk}-decision"
    assert decision_milestone["status"] == "met"
    assert decision_milestone["description"].endswith("Målene ble nådd.")
    assert first["contracts"][0]["implementation"]["milestones"][-1]["status"] == "scheduled"
    (metric,) = implementation["metrics"]
    assert metric["title"] == "Oppetid"
    assert {o["id"]: o["measure"] for o in metric["observations"]} == {
        "baseline": 80,
        "target": 90,
        "measured": 92.5,
    }
    assert second["contracts"][0]["period"]["startDate"].startswith("2026-01-0")


@pytest.mark.parametrize(
    ("prefix", "errors"),
    [("ocds-xxxxxx-pilotmarked-", 1), ("pilotmarked-", 1), ("ocds-a1b2c3-pilotmarked-", 0)],
)
def test_the_deploy_check_refuses_the_placeholder_ocid_prefix(settings, prefix, errors):
    settings.OCDS_OCID_PREFIX = prefix

    found = ocid_prefix_registered(None)

    assert [error.id for error in found] == ["tenders.E001"] * errors
    if errors:
        assert "Open Contracting Partnership" in found[0].msg
