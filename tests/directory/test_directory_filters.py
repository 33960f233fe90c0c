"""The supplier directory: facets, text search through the backend, order, pages and counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from marketplace.models import Certification, Organisation, SupplierProfile
from search.index_entries import Kind
from search.indexing import index_object, rebuild
from tests.factories import ListedSupplierProfileFactory, SupplierFactory

pytestmark = pytest.mark.django_db

URL = "/en/leverandorer/"


def names(response) -> list[str]:
    return [profile.organisation.name for profile in response.context["suppliers"]]


def listed(name: str, **kwargs) -> SupplierProfile:
    """A listed firm, indexed as the indexing task does once its profile is saved."""
    profile = ListedSupplierProfileFactory(organisation=SupplierFactory(name=name), **kwargs)
    index_object(Kind.SUPPLIER, profile.pk)
    return profile


def test_directory_url_is_norwegian_and_named():
    with translation.override("nb"):
        assert reverse("search:supplier_directory") == "/leverandorer/"


def test_lists_only_published_profiles_of_suppliers(client):
    # given
    listed("Listed AS")
    listed("Unlisted AS", is_published=False)
    buyer_profile = listed("Buyer With Profile")
    Organisation.objects.filter(pk=buyer_profile.organisation_id).update(kind="buyer")

    # when
    response = client.get(URL)

    # then
    assert response.status_code == 200
    assert names(response) == ["Listed AS"]
    assert "Unlisted AS" not in response.content.decode()


def test_cpv_division_finds_firms_registered_under_a_deep_category(client, cpv):
    listed("Deep Code AS", cpv_codes=[cpv["72212000"]])
    listed("Division AS", cpv_codes=[cpv["72000000"]])
    listed("Builder AS", cpv_codes=[cpv["45000000"]])
    listed("Two Codes AS", cpv_codes=[cpv["72212000"], cpv["72200000"]])

    response = client.get(URL, {"cpv": "72000000"})

    # each firm once, although "Two Codes AS" has two codes in the branch
    assert names(response) == ["Deep Code AS", "Division AS", "Two Codes AS"]


def test_cpv_category_does_not_find_its_parent(client, cpv):
    listed("Division AS", cpv_codes=[cpv["72000000"]])
    listed("Deep Code AS", cpv_codes=[cpv["72212000"]])

    response = client.get(URL, {"cpv": "72212000"})

    assert names(response) == ["Deep Code AS"]


def test_several_cpv_codes_match_any_of_them_in_either_notation(client, cpv):
    listed("Software AS", cpv_codes=[cpv["48000000"]])
    listed("Builder AS", cpv_codes=[cpv["45000000"]])
    listed("Waste AS", cpv_codes=[cpv["90500000"]])

    as_text = client.get(URL, {"cpv": "48000000-8, 45000000"})
    as_repeated = client.get(f"{URL}?cpv=48000000&cpv=45000000")

    assert names(as_text) == names(as_repeated) == ["Builder AS", "Software AS"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("7200", "is not a CPV code"),
        ("99999999", "Unknown CPV code: 99999999."),
        ("drop table", "is not a CPV code"),
    ],
)
def test_invalid_cpv_is_a_form_error_not_a_server_error(client, cpv, value, message):
    listed("Anyone AS")

    response = client.get(URL, {"cpv": value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors["cpv"]


def test_municipality_finds_named_county_and_nationwide_deliverers(client, places):
    baerum, asker, oslo = places["baerum"], places["asker"], places["oslo"]
    listed("Names Bærum AS", delivery_municipalities=[baerum])
    listed("Whole Akershus AS", delivery_counties=[baerum.county])
    listed("Nationwide AS", delivers_nationwide=True)
    listed("Only Asker AS", delivery_municipalities=[asker])
    listed("Only Oslo AS", delivery_counties=[oslo.county])
    listed("Based In Bærum AS", municipality=baerum)

    response = client.get(URL, {"municipality": "3201"})

    assert names(response) == ["Names Bærum AS", "Nationwide AS", "Whole Akershus AS"]


def test_based_in_filters_on_the_firms_own_municipality(client, places):
    listed("Based In Bærum AS", municipality=places["baerum"])
    listed("Based In Asker AS", municipality=places["asker"])

    response = client.get(URL, {"based_in": "3201"})

    assert names(response) == ["Based In Bærum AS"]


def test_sme_category_and_stage(client):
    listed("Micro Startup AS", employee_band="1-9", turnover_band="0-20m", stage="startup")
    listed("Small Established AS", employee_band="10-49", stage="established")
    listed("Large AS", employee_band="250+", stage="large")

    micro_or_small = client.get(f"{URL}?sme_category=micro&sme_category=small")
    startups = client.get(URL, {"stage": "startup"})

    assert names(micro_or_small) == ["Micro Startup AS", "Small Established AS"]
    assert names(startups) == ["Micro Startup AS"]


def test_certifications_must_all_be_held(client):
    iso9001 = Certification.objects.get(slug="iso-9001")
    iso14001 = Certification.objects.get(slug="iso-14001")
    listed("Both AS", certifications=[iso9001, iso14001])
    listed("Quality Only AS", certifications=[iso9001])

    one = client.get(URL, {"certification": "iso-9001"})
    both = client.get(f"{URL}?certification=iso-9001&certification=iso-14001")

    assert names(one) == ["Both AS", "Quality Only AS"]
    assert names(both) == ["Both AS"]


def test_open_to_pilots(client):
    listed("Pilot Friendly AS", open_to_pilots=True)
    listed("Not Now AS", open_to_pilots=False)

    response = client.get(URL, {"open_to_pilots": "on"})

    assert names(response) == ["Pilot Friendly AS"]


@pytest.mark.parametrize(
    "params",
    [
        {"stage": "unicorn"},
        {"sme_category": "giant"},
        {"municipality": "9999"},
        {"certification": "no-such"},
        {"sort": "random"},
        {"page": "x"},
        {"page": "999"},
    ],
)
def test_invalid_values_answer_200(client, params):
    listed("Anyone AS")

    response = client.get(URL, params)

    assert response.status_code == 200


def test_invalid_value_shows_a_field_error_tied_to_the_field(client):
    response = client.get(URL, {"stage": "unicorn"})

    html = response.content.decode()
    assert "Select a valid choice" in html
    assert 'class="ds-error-summary"' in html


def test_field_error_in_bokmal(client):
    response = client.get("/leverandorer/", {"stage": "unicorn"})

    assert response.status_code == 200
    assert "gyldig" in response.content.decode()  # Django's own Bokmål message


# --- text search ------------------------------------------------------------------------------


def test_text_matches_name_description_keywords_and_cpv_labels(client, cpv):
    listed("Sensor Nord AS", description_en="", description_nb="")
    listed("Quiet AS", description_en="We build sensors for roads.", description_nb="")
    listed("Tagged AS", keywords=["sensor network"], description_en="", description_nb="")
    listed("Plain AS", description_en="Cleaning.", description_nb="Renhold.")
    listed("Waste AS", cpv_codes=[cpv["90500000"]], description_en="", description_nb="")

    by_word = client.get(URL, {"q": "sensor"})
    by_label = client.get(URL, {"q": "avfallstjenester"})

    # best match first: the name, then a keyword, then the description
    assert names(by_word) == ["Sensor Nord AS", "Tagged AS", "Quiet AS"]
    assert names(by_label) == ["Waste AS"]


def test_text_finds_every_inflection_of_a_word(client):
    listed("Læringsverket AS", description_nb="Vi bygger en skole i Asker.", description_en="")
    listed("Skolebuss AS", description_nb="Vi kjører elever.", description_en="")

    plural = client.get(URL, {"q": "skoler"})
    definite = client.get(URL, {"q": "skolen"})

    assert names(plural) == ["Læringsverket AS"]
    assert names(definite) == ["Læringsverket AS"]


def test_text_never_finds_an_unlisted_profile_the_index_still_holds(client):
    hidden = listed("Skjult Sensor AS")
    listed("Synlig Sensor AS")
    SupplierProfile.objects.filter(pk=hidden.pk).update(is_published=False)  # not reindexed yet

    response = client.get(URL, {"q": "sensor"})

    assert names(response) == ["Synlig Sensor AS"]


def test_every_word_must_match(client):
    listed("Road Sensors AS", description_en="Sensors for winter roads.")
    listed("Road Works AS", description_en="Asphalt for roads.")

    response = client.get(URL, {"q": "roads sensors"})

    assert names(response) == ["Road Sensors AS"]


@pytest.mark.parametrize(
    "text", ['"', "(((((", "AND OR NOT", "x" * 2000, "'; DROP TABLE x; --", "%_\\", "ø" * 199]
)
def test_odd_text_never_breaks_the_page(client, text):
    listed("Anyone AS")

    response = client.get(URL, {"q": text})

    assert response.status_code == 200


def test_too_long_text_is_a_field_error(client):
    response = client.get(URL, {"q": "x" * 2000})

    assert response.status_code == 200
    assert response.context["form"].errors["q"]


def test_text_and_facets_combine(client):
    listed("Sensor Startup AS", stage="startup")
    listed("Sensor Giant ASA", stage="large")

    response = client.get(URL, {"q": "sensor", "stage": "startup"})

    assert names(response) == ["Sensor Startup AS"]


# --- order, pages, counts ---------------------------------------------------------------------


def test_sort_by_name_and_newest(client):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    listed("Beta AS", created_at=now - timedelta(days=2))
    listed("Alfa AS", created_at=now - timedelta(days=5))
    listed("Gamma AS", created_at=now)

    by_name = client.get(URL, {"sort": "name"})
    newest = client.get(URL, {"sort": "newest"})

    assert names(by_name) == ["Alfa AS", "Beta AS", "Gamma AS"]
    assert names(newest) == ["Gamma AS", "Beta AS", "Alfa AS"]


def test_result_count_is_pluralised(client):
    listed("Only AS")

    one = client.get(URL)
    listed("Second AS")
    two = client.get(URL)

    assert "1 supplier<" in one.content.decode()
    assert "2 suppliers<" in two.content.decode()


def test_result_count_in_bokmal(client):
    listed("Only AS")

    response = client.get("/leverandorer/")

    assert response.status_code == 200
    assert response.context["total"] == 1


def test_empty_state(client):
    response = client.get(URL, {"q": "nothing-matches-this"})

    html = response.content.decode()
    assert "0 suppliers" in html
    assert "No suppliers match what you asked for." in html
    assert "Clear all filters" in html


def test_pages_of_twenty_keep_the_filters(client):
    for number in range(45):
        listed(f"Firma {number:02d} AS", stage="startup")

    first = client.get(URL, {"stage": "startup"})
    third = client.get(URL, {"stage": "startup", "page": "3"})

    assert len(first.context["suppliers"]) == 20
    assert first.context["total"] == 45
    assert names(third) == [f"Firma {n} AS" for n in range(40, 45)]
    html = first.content.decode()
    assert 'class="ds-pagination" aria-label="Pages of suppliers"' in html
    assert 'href="?stage=startup&amp;page=2"' in html
    assert 'aria-current="page"' in html


def test_list_with_1000_suppliers_stays_within_a_fixed_number_of_queries(
    client, cpv, places, django_assert_max_num_queries
):
    # given: a thousand listed firms, each with CPV codes, made in bulk
    organisations = Organisation.objects.bulk_create(
        Organisation(kind="supplier", name=f"Bulk {n:04d} AS", org_number=f"8{n:08d}", slug=f"b{n}")
        for n in range(1000)
    )
    profiles = SupplierProfile.objects.bulk_create(
        SupplierProfile(
            organisation=organisation,
            is_published=True,
            municipality=places["baerum"],
            description_en="Sensors and software.",
            sme_category="micro",
            stage="startup",
        )
        for organisation in organisations
    )
    through = SupplierProfile.cpv_codes.through
    through.objects.bulk_create(
        through(supplierprofile_id=profile.pk, cpvcode_id=code)
        for profile in profiles
        for code in ("72212000", "48000000")
    )
    rebuild(Kind.SUPPLIER)

    # when / then: the plain list, a page deep in it, and a filtered text search
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.context["total"] == 1000
    with django_assert_max_num_queries(8):
        client.get(URL, {"page": "37", "sort": "newest"})
    # a text search reads its words' frequencies first, to choose how to find them: one more
    with django_assert_max_num_queries(9):
        response = client.get(
            URL,
            {"q": "software bulk", "cpv": "72000000", "municipality": "3201", "stage": "startup"},
        )
    assert response.context["total"] == 0  # Bærum is where they are, not where they deliver
