"""The public supplier profile page: what it shows, in which language, and to whom."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from marketplace.models import ContactPerson, IndustryCode, Role, SupplierReference
from tests.factories import (
    ListedSupplierProfileFactory,
    MembershipFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REFERENCE_TEXT = "Winter road sensors on Fv. 120"
CONTACT_NAME = "Kari Kontaktperson"
CONTACT_EMAIL = "kari@fjordlys.test"
SIZE_TEXT = "10–49 employees"


@pytest.fixture
def profile(supplier, cpv, places):
    profile = ListedSupplierProfileFactory(
        organisation=supplier,
        description_nb="Vi lager sensorer for vinterveier.",
        description_en="We make sensors for winter roads.",
        cpv_codes=[cpv["72212000"], cpv["48000000"]],
        keywords=["sensors", "IoT"],
        industry_code=IndustryCode.objects.create(code="62.010", level=5, name="Programmering"),
        municipality=places["baerum"],
        delivery_counties=[places["baerum"].county],
        employee_band="10-49",
        stage="startup",
        founded_year=2021,
        technology_readiness_level=6,
        open_to_pilots=True,
        size_visibility="buyers",
        references_visibility="buyers",
        contact_visibility="buyers",
    )
    SupplierReference.objects.create(
        profile=profile, customer="Viken fylkeskommune", year=2023, description=REFERENCE_TEXT
    )
    ContactPerson.objects.create(profile=profile, name=CONTACT_NAME, email=CONTACT_EMAIL)
    return profile


def url(profile, language="en") -> str:
    path = f"/leverandorer/{profile.organisation.slug}/"
    return f"/en{path}" if language == "en" else path


def other_supplier_client(client):
    user = UserFactory(email="someone@other.test")
    MembershipFactory(user=user, organisation=SupplierFactory(), role=Role.SUPPLIER_ADMIN)
    client.force_login(user)
    return client


def test_url_is_under_leverandorer(profile):
    with translation.override("nb"):
        path = reverse("marketplace:supplier_detail", kwargs={"slug": profile.organisation.slug})
    assert path == f"/leverandorer/{profile.organisation.slug}/"


def test_shows_company_facts_in_english(client, profile):
    response = client.get(url(profile))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Fjordlys Teknologi AS" in html
    assert profile.organisation.org_number_display in html  # "912 345 678"
    assert " " in profile.organisation.org_number_display
    assert "We make sensors for winter roads." in html
    assert "72212000-0" in html and "Programming services of application software" in html
    assert "IoT" in html
    assert "62.010 Programmering" in html
    assert "Akershus" in html  # delivers in the whole county
    assert "Startup (under 5 years)" in html
    assert "2021" in html
    assert "TRL 6 of 9" in html
    assert "Open to pilots" in html
    assert "Bærum" in html


def test_shows_description_in_bokmal_on_bokmal_pages(client, profile):
    response = client.get(url(profile, "nb"))

    html = response.content.decode()
    assert "Vi lager sensorer for vinterveier." in html
    assert "We make sensors for winter roads." not in html


def test_falls_back_to_the_other_language_with_a_lang_attribute(client, profile):
    profile.description_en = ""
    profile.save()

    response = client.get(url(profile))

    assert 'lang="nb">' in response.content.decode()
    assert "Vi lager sensorer for vinterveier." in response.content.decode()


def test_sme_badge(client, profile):
    response = client.get(url(profile))

    assert 'data-sme="small"' in response.content.decode()


# --- visibility -------------------------------------------------------------------------------


def test_anonymous_visitor_never_gets_buyers_only_fields(client, profile):
    html = client.get(url(profile)).content.decode()

    assert REFERENCE_TEXT not in html
    assert CONTACT_NAME not in html and CONTACT_EMAIL not in html
    assert SIZE_TEXT not in html
    assert "References are shown to signed-in buyers only." in html


def test_member_of_another_supplier_never_gets_buyers_only_fields(client, profile):
    html = other_supplier_client(client).get(url(profile)).content.decode()

    assert REFERENCE_TEXT not in html
    assert CONTACT_NAME not in html and CONTACT_EMAIL not in html
    assert SIZE_TEXT not in html


def test_buyer_member_sees_buyers_only_fields(buyer_client, profile):
    html = buyer_client.get(url(profile)).content.decode()

    assert REFERENCE_TEXT in html
    assert CONTACT_NAME in html and CONTACT_EMAIL in html
    assert SIZE_TEXT in html


def test_own_member_sees_buyers_only_fields(supplier_client, profile):
    html = supplier_client.get(url(profile)).content.decode()

    assert REFERENCE_TEXT in html
    assert CONTACT_NAME in html
    assert SIZE_TEXT in html


def test_public_fields_are_shown_to_everyone(client, profile):
    profile.size_visibility = profile.references_visibility = "public"
    profile.contact_visibility = "public"
    profile.save()

    html = client.get(url(profile)).content.decode()

    assert REFERENCE_TEXT in html
    assert CONTACT_NAME in html
    assert SIZE_TEXT in html


def test_erased_contact_person_shows_nothing_personal(client, profile):
    profile.contact_visibility = "public"
    profile.save()
    profile.contact.anonymise()
    profile.contact.save()

    html = client.get(url(profile)).content.decode()

    assert CONTACT_EMAIL not in html
    assert "No contact person given." in html


# --- unlisted and missing ---------------------------------------------------------------------


@pytest.fixture
def unlisted(profile):
    profile.is_published = False
    profile.save()
    return profile


def test_unlisted_profile_is_404_for_anonymous(client, unlisted):
    assert client.get(url(unlisted)).status_code == 404


def test_unlisted_profile_is_404_for_another_supplier(client, unlisted):
    assert other_supplier_client(client).get(url(unlisted)).status_code == 404


def test_unlisted_profile_is_404_for_a_buyer(buyer_client, unlisted):
    assert buyer_client.get(url(unlisted)).status_code == 404


def test_unlisted_profile_is_shown_to_its_own_members_with_a_notice(supplier_client, unlisted):
    response = supplier_client.get(url(unlisted))

    assert response.status_code == 200
    assert "This profile is not listed in the supplier directory." in response.content.decode()


def test_unlisted_profile_is_not_in_the_directory(client, unlisted):
    response = client.get("/en/leverandorer/")

    assert "Fjordlys Teknologi AS" not in response.content.decode()


def test_supplier_without_a_profile_and_unknown_slugs_are_404(client, supplier):
    assert client.get(f"/en/leverandorer/{supplier.slug}/").status_code == 404
    assert client.get("/en/leverandorer/finnes-ikke/").status_code == 404


def test_buyer_organisation_has_no_public_profile_page(client, buyer):
    assert client.get(f"/leverandorer/{buyer.slug}/").status_code == 404


def test_profile_page_query_count(client, profile, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(url(profile))
    assert response.status_code == 200


def test_directory_links_to_the_profile(client, profile):
    html = client.get("/en/leverandorer/").content.decode()

    assert f'href="/en/leverandorer/{profile.organisation.slug}/"' in html


def test_header_links_to_the_directory(client):
    html = client.get("/en/leverandorer/").content.decode()

    assert 'href="/en/leverandorer/" aria-current="page">Suppliers</a>' in html
