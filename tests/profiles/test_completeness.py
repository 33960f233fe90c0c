"""The completeness meter: ten equal parts, exact numbers, missing items in form order."""

from __future__ import annotations

import pytest
from django.utils import translation

from marketplace.models import IndustryCode
from marketplace.selectors.profiles import profile_completeness, profile_for_editing
from tests.factories import (
    ContactPersonFactory,
    SupplierProfileFactory,
    SupplierReferenceFactory,
    cpv_code,
    municipality,
)

pytestmark = pytest.mark.django_db

ALL_MISSING = [
    "Describe what you deliver",
    "Add at least one CPV code",
    "Add keywords buyers search for",
    "Say where you deliver",
    "Give your address and municipality",
    "Give your size",
    "Say what stage your business is at",
    "Choose your industry code",
    "Add a contact person",
    "Add a reference",
]


def completeness_of(profile):
    return profile_completeness(profile_for_editing(profile.organisation))


def labels(completeness) -> list[str]:
    with translation.override("en"):
        return [str(item.label) for item in completeness.missing]


def test_an_empty_profile_is_zero_percent_with_everything_missing():
    completeness = completeness_of(SupplierProfileFactory())

    assert (completeness.percent, completeness.done, completeness.total) == (0, 0, 10)
    assert labels(completeness) == ALL_MISSING
    assert [item.target for item in completeness.missing][-2:] == ["contact", "reference"]


def test_three_parts_done_is_thirty_percent():
    profile = SupplierProfileFactory(
        description_en="Sensors.", keywords=["sensor"], delivers_nationwide=True
    )

    completeness = completeness_of(profile)

    assert completeness.percent == 30
    assert labels(completeness) == [
        label
        for label in ALL_MISSING
        if label
        not in {
            "Describe what you deliver",
            "Add keywords buyers search for",
            "Say where you deliver",
        }
    ]


def test_size_counts_only_with_both_bands_and_address_only_with_a_municipality():
    profile = SupplierProfileFactory(
        employee_band="1-9", street_address="Brynsveien 5", postal_code="1337"
    )
    assert completeness_of(profile).percent == 0

    profile.turnover_band = "0-20m"
    profile.municipality = municipality("3201", "Bærum")
    profile.save()
    assert completeness_of(profile).percent == 20


def test_an_erased_contact_does_not_count():
    profile = SupplierProfileFactory()
    contact = ContactPersonFactory(profile=profile)
    assert completeness_of(profile).percent == 10

    contact.anonymise()
    contact.save()
    assert "Add a contact person" in labels(completeness_of(profile))


def test_a_complete_profile_is_one_hundred_percent():
    profile = SupplierProfileFactory(
        description_nb="Vi lager sensorer.",
        keywords=["sensor"],
        street_address="Brynsveien 5",
        postal_code="1337",
        municipality=municipality("3201", "Bærum"),
        employee_band="10-49",
        turnover_band="20-100m",
        stage="startup",
        industry_code=IndustryCode.objects.create(code="62.010", level=5, name="Programmering"),
    )
    profile.cpv_codes.set([cpv_code("72000000")])
    profile.delivery_counties.set([profile.municipality.county])
    ContactPersonFactory(profile=profile)
    SupplierReferenceFactory(profile=profile)

    completeness = completeness_of(profile)

    assert (completeness.percent, completeness.missing, completeness.is_complete) == (100, [], True)


def test_completeness_reads_nothing_more_once_the_profile_is_loaded(django_assert_num_queries):
    profile = SupplierProfileFactory(description_nb="Sensorer.")
    SupplierReferenceFactory(profile=profile)
    loaded = profile_for_editing(profile.organisation)

    with django_assert_num_queries(0):
        completeness = profile_completeness(loaded)

    assert completeness.percent == 20
