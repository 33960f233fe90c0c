"""Profile pages through HTTP: editing, listing, references, contact person, personal data."""

from __future__ import annotations

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import URLPattern, reverse
from django.utils import translation

import marketplace.urls_profiles
from marketplace.models import (
    AuditEvent,
    ContactPerson,
    Role,
    SupplierProfile,
    SupplierReference,
)
from tests.conftest import with_totp
from tests.factories import (
    BuyerFactory,
    ContactPersonFactory,
    MembershipFactory,
    SupplierFactory,
    SupplierProfileFactory,
    SupplierReferenceFactory,
    UserFactory,
    cpv_code,
)

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    with translation.override("nb"):
        return reverse(f"marketplace:{name}", kwargs=kwargs or None)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def profile_form_data(**overrides) -> dict:
    """What the edit form posts for an empty profile (visibility radios must be chosen)."""
    data = {
        "description_nb": "",
        "description_en": "",
        "keywords": "",
        "size_visibility": "public",
        "references_visibility": "buyers",
        "contact_visibility": "public",
    }
    data.update(overrides)
    return data


@pytest.fixture
def profile(supplier):
    return SupplierProfileFactory(organisation=supplier)


@pytest.fixture
def member_client(client, supplier):
    member = MembershipFactory(organisation=supplier, role=Role.SUPPLIER_MEMBER).user
    client.force_login(member)
    return client


# --- Editing --------------------------------------------------------------------------------------


def test_the_edit_page_makes_the_profile_and_shows_the_meter(supplier_client, supplier):
    response = supplier_client.get(f"/en{url('profile_edit', slug=supplier.slug)}")

    assert response.status_code == 200
    assert SupplierProfile.objects.filter(organisation=supplier).exists()
    html = response.content.decode()
    assert "0 % complete" in html
    assert '<progress class="profile-completeness__bar" max="100" value="0"' in html
    assert 'href="#id_description_nb">Describe what you deliver</a>' in html
    assert url("profile_contact", slug=supplier.slug) in html
    assert "Fetch from Brønnøysund" in html


def test_a_supplier_admin_saves_the_profile(supplier_client, supplier, profile):
    it = cpv_code("72000000", "IT services")

    response = supplier_client.post(
        url("profile_edit", slug=supplier.slug),
        profile_form_data(
            description_nb="Vi lager sensorer for skolebygg.",
            keywords="sensor, IoT , sensor",
            cpv_codes=[it.pk],
            employee_band="1-9",
            turnover_band="0-20m",
            founded_year="2019",
            technology_readiness_level="7",
            open_to_pilots="on",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == url("profile_edit", slug=supplier.slug)
    profile.refresh_from_db()
    assert profile.keywords == ["sensor", "IoT"]
    assert profile.sme_category == "micro"
    assert profile.open_to_pilots is True
    assert list(profile.cpv_codes.all()) == [it]
    assert AuditEvent.objects.filter(action="supplier_profile.update").count() == 1

    page = supplier_client.get(f"/en{url('profile_edit', slug=supplier.slug)}").content.decode()
    assert "40 % complete" in page
    assert 'data-sme="micro"' in page


def test_a_member_edits_too(member_client, supplier, profile):
    response = member_client.post(
        url("profile_edit", slug=supplier.slug), profile_form_data(stage="startup")
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.stage == "startup"


def test_an_invalid_post_shows_errors_and_saves_nothing(supplier_client, supplier, profile):
    response = supplier_client.post(
        f"/en{url('profile_edit', slug=supplier.slug)}",
        profile_form_data(technology_readiness_level="10", stage="startup"),
    )

    assert response.status_code == 200
    assert "Choose a level from 1 to 9." in response.content.decode()
    profile.refresh_from_db()
    assert profile.stage == ""


def test_publish_needs_a_description_then_lists_and_unlists(supplier_client, supplier, profile):
    response = supplier_client.post(f"/en{url('profile_publish', slug=supplier.slug)}")
    assert response.status_code == 302
    assert any("description" in message for message in messages_of(response))
    profile.refresh_from_db()
    assert profile.is_published is False

    profile.description_en = "Sensors."
    profile.save()
    supplier_client.post(url("profile_publish", slug=supplier.slug))
    profile.refresh_from_db()
    assert profile.is_published is True

    supplier_client.post(url("profile_unpublish", slug=supplier.slug))
    profile.refresh_from_db()
    assert profile.is_published is False


def test_publish_is_post_only(supplier_client, supplier, profile):
    assert supplier_client.get(url("profile_publish", slug=supplier.slug)).status_code == 405


def test_the_organisation_page_links_to_the_profile(supplier_client, supplier):
    response = supplier_client.get(url("organisation_detail", slug=supplier.slug))
    assert url("profile_edit", slug=supplier.slug) in response.content.decode()


# --- Who may see the profile pages ----------------------------------------------------------------


def profile_urls(slug: str, reference_pk: int, contact_pk: int) -> dict[str, str]:
    """Every URL of urls_profiles, with objects of the organisation ``slug`` where needed."""
    return {
        "profile_edit": url("profile_edit", slug=slug),
        "profile_brreg_lookup": url("profile_brreg_lookup", slug=slug),
        "profile_publish": url("profile_publish", slug=slug),
        "profile_unpublish": url("profile_unpublish", slug=slug),
        "reference_create": url("reference_create", slug=slug),
        "reference_update": url("reference_update", slug=slug, pk=reference_pk),
        "reference_delete": url("reference_delete", slug=slug, pk=reference_pk),
        "profile_contact": url("profile_contact", slug=slug),
        "profile_contact_erase": url("profile_contact_erase", slug=slug),
        "personal_data": url("personal_data"),
        "personal_data_export": url("personal_data_export", pk=contact_pk),
        "personal_data_erase": url("personal_data_erase", pk=contact_pk),
    }


def test_every_profile_url_is_covered():
    names = {p.name for p in marketplace.urls_profiles.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(profile_urls("x", 1, 1))


@pytest.fixture
def their_profile():
    """Another supplier's profile with a reference and a contact person who has an account."""
    profile = SupplierProfileFactory(organisation=SupplierFactory(name="Konkurrent AS"))
    SupplierReferenceFactory(profile=profile, customer="Asker kommune")
    ContactPersonFactory(profile=profile, user=UserFactory(), name="Per Konkurrent")
    return profile


PERSONAL = {"personal_data"}  # the person's own page: 200 for anyone signed in


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_supplier_s_member_gets_404_on_every_profile_url(
    supplier_client, their_profile, method
):
    reference = their_profile.references.get()
    urls = profile_urls(their_profile.organisation.slug, reference.pk, their_profile.contact.pk)

    for name, address in urls.items():
        if name in PERSONAL:
            continue
        response = getattr(supplier_client, method)(address)
        assert response.status_code in (404, 405), (name, response.status_code)
        if response.status_code == 405:
            assert method == "get"
    their_profile.refresh_from_db()
    assert their_profile.is_published is False
    assert SupplierReference.objects.filter(pk=reference.pk).exists()
    assert ContactPerson.objects.get(profile=their_profile).name == "Per Konkurrent"


def test_my_reference_id_under_their_slug_and_theirs_under_mine_are_404(
    supplier_client, supplier, their_profile
):
    mine = SupplierReferenceFactory(profile=SupplierProfileFactory(organisation=supplier))
    theirs = their_profile.references.get()

    assert (
        supplier_client.get(url("reference_update", slug=supplier.slug, pk=theirs.pk)).status_code
        == 404
    )
    assert (
        supplier_client.post(url("reference_delete", slug=supplier.slug, pk=theirs.pk)).status_code
        == 404
    )
    assert (
        supplier_client.get(
            url("reference_update", slug=their_profile.organisation.slug, pk=mine.pk)
        ).status_code
        == 404
    )
    assert SupplierReference.objects.filter(pk=theirs.pk).exists()


def test_a_buyer_gets_404_on_its_own_slug_and_on_a_supplier(client):
    buyer = BuyerFactory()
    admin = with_totp(MembershipFactory(organisation=buyer, role=Role.BUYER_ADMIN).user)
    client.force_login(admin)
    supplier_profile = SupplierProfileFactory()

    for slug in (buyer.slug, supplier_profile.organisation.slug):
        assert client.get(url("profile_edit", slug=slug)).status_code == 404
        assert client.get(url("profile_contact", slug=slug)).status_code == 404
    assert not SupplierProfile.objects.filter(organisation=buyer).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, their_profile):
    reference = their_profile.references.get()
    urls = profile_urls(their_profile.organisation.slug, reference.pk, their_profile.contact.pk)
    login = reverse("account_login")
    for name, address in urls.items():
        response = client.get(address) if "publish" not in name else client.post(address)
        if response.status_code == 405:
            response = client.post(address)
        assert response.status_code == 302, name
        assert response["Location"].startswith(login), name


def test_a_member_may_not_erase_the_contact_person_but_an_admin_may(
    member_client, supplier, profile
):
    contact = ContactPersonFactory(profile=profile)
    assert member_client.get(url("profile_contact_erase", slug=supplier.slug)).status_code == 403
    assert member_client.post(url("profile_contact_erase", slug=supplier.slug)).status_code == 403
    contact.refresh_from_db()
    assert contact.anonymised_at is None


# --- References -----------------------------------------------------------------------------------


def test_references_crud(supplier_client, supplier, profile):
    create = url("reference_create", slug=supplier.slug)
    response = supplier_client.post(
        create,
        {
            "customer": "Bærum kommune",
            "public_sector": "on",
            "year": "2023",
            "value_band": "100k-1.3m",
            "description": "Sensorer i skolebygg.",
        },
    )
    assert response.status_code == 302
    reference = SupplierReference.objects.get(profile=profile)
    assert reference.public_sector is True

    page = supplier_client.get(url("profile_edit", slug=supplier.slug)).content.decode()
    assert "Bærum kommune" in page

    edit = url("reference_update", slug=supplier.slug, pk=reference.pk)
    assert supplier_client.get(edit).status_code == 200
    supplier_client.post(
        edit,
        {"customer": "Bærum kommune", "year": "2022", "description": "Endret.", "value_band": ""},
    )
    reference.refresh_from_db()
    assert (reference.year, reference.public_sector, reference.description) == (
        2022,
        False,
        "Endret.",
    )

    delete = url("reference_delete", slug=supplier.slug, pk=reference.pk)
    assert "Bærum kommune (2022)" in supplier_client.get(delete).content.decode()
    assert supplier_client.post(delete).status_code == 302
    assert not SupplierReference.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="supplier_reference.").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "supplier_reference.create",
        "supplier_reference.update",
        "supplier_reference.delete",
    ]


# --- Contact person and personal data -------------------------------------------------------------


def test_setting_the_contact_person(supplier_client, supplier, profile, supplier_admin):
    response = supplier_client.post(
        url("profile_contact", slug=supplier.slug),
        {
            "name": "Kari Nordmann",
            "title": "Daglig leder",
            "email": supplier_admin.email,
            "phone": "+47 22 33 44 55",
        },
    )
    assert response.status_code == 302
    contact = ContactPerson.objects.get(profile=profile)
    assert contact.user == supplier_admin


def test_the_personal_data_page_lists_where_i_am_contact_person(client, their_profile):
    person = their_profile.contact.user
    client.force_login(person)

    response = client.get(f"/en{url('personal_data')}")

    html = response.content.decode()
    assert "Contact person of Konkurrent AS" in html
    assert "Per Konkurrent" in html
    assert url("personal_data_export", pk=their_profile.contact.pk) in html


def test_someone_else_has_an_empty_personal_data_page_and_404s(client, their_profile):
    client.force_login(UserFactory())
    contact = their_profile.contact
    assert "Konkurrent" not in client.get(url("personal_data")).content.decode()
    assert client.post(url("personal_data_export", pk=contact.pk)).status_code == 404
    assert client.post(url("personal_data_erase", pk=contact.pk)).status_code == 404


def test_download_my_data_is_json_with_my_data(client, their_profile):
    contact = their_profile.contact
    client.force_login(contact.user)

    response = client.post(url("personal_data_export", pk=contact.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["personal_data"]["name"] == "Per Konkurrent"
    assert data["personal_data"]["email"] == contact.email
    assert data["organisation"]["name"] == "Konkurrent AS"
    assert AuditEvent.objects.filter(action="contact_person.export").count() == 1


def test_erase_me_asks_first_then_anonymises_and_keeps_the_row(client, their_profile):
    contact = their_profile.contact
    client.force_login(contact.user)
    erase = url("personal_data_erase", pk=contact.pk)

    assert client.get(f"/en{erase}").status_code == 200
    assert ContactPerson.objects.get(pk=contact.pk).name == "Per Konkurrent"
    response = client.post(erase)

    assert response.status_code == 302
    stored = ContactPerson.objects.get(pk=contact.pk)
    assert (stored.name, stored.email, stored.user) == ("", "", None)
    assert stored.anonymised_at is not None
    assert AuditEvent.objects.filter(action="contact_person.erase").count() == 1
    assert client.post(erase).status_code == 404  # gone from my page


def test_an_admin_erases_the_contact_person(supplier_client, supplier, profile):
    contact = ContactPersonFactory(profile=profile, name="Ola Sluttet")
    contact_page = supplier_client.get(url("profile_contact", slug=supplier.slug))
    assert url("profile_contact_erase", slug=supplier.slug) in contact_page.content.decode()

    response = supplier_client.post(url("profile_contact_erase", slug=supplier.slug))

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.name == "" and contact.anonymised_at is not None
    # Erased once: the page for erasing answers 404 now.
    assert supplier_client.get(url("profile_contact_erase", slug=supplier.slug)).status_code == 404
