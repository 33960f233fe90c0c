"""seed_demo gives the three demo suppliers listed profiles; running it again adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from marketplace.demo.profiles import PROFILES, seed_demo_profiles
from marketplace.models import SupplierProfile
from tests.factories import SupplierFactory, cpv_code

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--force", "--quiet-logins", stdout=out)
    return out.getvalue()


def test_seed_demo_lists_the_three_demo_suppliers(client):
    output = seed()

    profiles = SupplierProfile.objects.published()
    assert sorted(p.organisation.org_number for p in profiles) == sorted(PROFILES)
    assert "supplier profiles:" in output
    nordlys = profiles.get(organisation__org_number="921000006")
    assert nordlys.sme_category == "micro"
    assert nordlys.cpv_codes.filter(code="72212000").exists()
    assert nordlys.contact.user.email == "grunder@nordlys.test"
    assert nordlys.references.count() == 1
    bakke = profiles.get(organisation__org_number="921000073")
    assert set(bakke.certifications.values_list("slug", flat=True)) == {
        "iso-14001",
        "miljofyrtarn",
        "startbank",
    }
    assert bakke.delivery_municipalities.filter(county__number="32").count() == 6
    # the directory finds them by a CPV division and in an Akershus municipality
    response = client.get("/en/leverandorer/", {"cpv": "72000000", "municipality": "3201"})
    assert [p.organisation.name for p in response.context["suppliers"]] == [
        "Nordlys Sensorikk AS",
        "Storby Digital ASA",
    ]


def test_seed_demo_profiles_is_idempotent():
    seed()
    counts = (SupplierProfile.objects.count(), SupplierProfile.cpv_codes.through.objects.count())

    added = seed_demo_profiles(StringIO())

    assert added == 0
    assert (
        SupplierProfile.objects.count(),
        SupplierProfile.cpv_codes.through.objects.count(),
    ) == counts


def test_codes_and_places_missing_from_the_database_are_skipped():
    # given: only the first demo supplier and two of its CPV codes; no places, no SN2007 codes
    SupplierFactory(org_number="921000006", slug="nordlys-sensorikk", name="Nordlys Sensorikk AS")
    cpv_code("72212000", "Programming services of application software")
    cpv_code("48000000", "Software package and information systems")

    # when
    added = seed_demo_profiles(StringIO())

    # then
    nordlys = SupplierProfile.objects.get(organisation__org_number="921000006")
    assert added == 3  # the profile, its reference and its contact person
    assert sorted(nordlys.cpv_codes.values_list("code", flat=True)) == ["48000000", "72212000"]
    assert nordlys.municipality is None and nordlys.industry_code is None
    assert nordlys.is_published
