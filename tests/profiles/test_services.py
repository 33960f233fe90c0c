"""Profile services: what they write, what they audit, and what they refuse."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone, translation

from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import (
    AuditEvent,
    Certification,
    ContactPerson,
    EmployeeBand,
    Role,
    SmeCategory,
    SupplierProfile,
    SupplierReference,
    TurnoverBand,
)
from marketplace.services import profiles as services
from tests.factories import (
    BuyerFactory,
    ContactPersonFactory,
    MembershipFactory,
    SupplierFactory,
    SupplierProfileFactory,
    SupplierReferenceFactory,
    UserFactory,
    cpv_code,
    municipality,
)

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.fixture
def profile(supplier):
    return SupplierProfileFactory(organisation=supplier)


@pytest.fixture
def member(supplier):
    return MembershipFactory(organisation=supplier, role=Role.SUPPLIER_MEMBER).user


# --- Getting a profile ----------------------------------------------------------------------------


def test_get_or_create_makes_one_unlisted_profile_and_audits_it_once(supplier, supplier_admin):
    first = services.profile_get_or_create(organisation=supplier, by=supplier_admin)
    again = services.profile_get_or_create(organisation=supplier, by=supplier_admin)

    assert first.pk == again.pk
    assert first.is_published is False
    [event] = events("supplier_profile.create")
    assert event.organisation_id == supplier.pk
    assert event.actor == supplier_admin


def test_a_buyer_has_no_profile():
    with pytest.raises(DomainError) as exc:
        services.profile_get_or_create(organisation=BuyerFactory())
    assert exc.value.code == "profile_not_supplier"
    assert not SupplierProfile.objects.exists()


# --- Updating -------------------------------------------------------------------------------------


def test_update_writes_fields_and_audits_only_what_changed(profile, supplier_admin):
    it, consulting = cpv_code("72000000", "IT services"), cpv_code("79400000", "Consulting")
    iso, _ = Certification.objects.get_or_create(
        slug="iso-9001", defaults={"name_nb": "ISO 9001", "name_en": "ISO 9001"}
    )
    baerum = municipality("3201", "Bærum")

    services.profile_update(
        profile=profile,
        by=supplier_admin,
        description_nb="Vi lager sensorer.",
        keywords=[" sensor ", "IoT", "sensor", ""],
        cpv_codes=[it, consulting],
        certifications=[iso],
        municipality=baerum,
        employee_band=EmployeeBand.UNDER_10,
        turnover_band=TurnoverBand.UNDER_20M,
        founded_year=2019,
    )

    profile.refresh_from_db()
    assert profile.keywords == ["sensor", "IoT"]
    assert profile.sme_category == SmeCategory.MICRO
    assert set(profile.cpv_codes.values_list("code", flat=True)) == {"72000000", "79400000"}
    [event] = events("supplier_profile.update")
    assert event.actor == supplier_admin
    assert event.organisation_id == profile.organisation_id
    assert event.before == {
        "description_nb": "",
        "keywords": [],
        "municipality": None,
        "employee_band": "",
        "turnover_band": "",
        "founded_year": None,
        "cpv_codes": [],
        "certifications": [],
    }
    assert event.after == {
        "description_nb": "Vi lager sensorer.",
        "keywords": ["sensor", "IoT"],
        "municipality": baerum.pk,
        "employee_band": "1-9",
        "turnover_band": "0-20m",
        "founded_year": 2019,
        "cpv_codes": ["72000000", "79400000"],
        "certifications": [iso.pk],
    }


def test_removing_a_cpv_code_is_audited_as_an_m2m_change(profile, supplier_admin):
    it, consulting = cpv_code("72000000"), cpv_code("79400000")
    profile.cpv_codes.set([it, consulting])

    services.profile_update(profile=profile, by=supplier_admin, cpv_codes=[it])

    [event] = events("supplier_profile.update")
    assert event.before == {"cpv_codes": ["72000000", "79400000"]}
    assert event.after == {"cpv_codes": ["72000000"]}


def test_an_update_that_changes_nothing_records_nothing(profile, supplier_admin):
    services.profile_update(profile=profile, by=supplier_admin, stage="", keywords=[])
    assert events("supplier_profile.update") == []


def test_a_member_may_edit_the_profile(profile, member):
    services.profile_update(profile=profile, by=member, stage="startup")
    profile.refresh_from_db()
    assert profile.stage == "startup"


def test_someone_from_another_organisation_may_not(profile):
    outsider = MembershipFactory(organisation=SupplierFactory(), role=Role.SUPPLIER_ADMIN).user
    with pytest.raises(PermissionDenied):
        services.profile_update(profile=profile, by=outsider, stage="startup")
    profile.refresh_from_db()
    assert profile.stage == ""


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"founded_year": timezone.localdate().year + 1}, "founded_year"),
        ({"founded_year": 1799}, "founded_year"),
        ({"technology_readiness_level": 10}, "technology_readiness_level"),
        ({"keywords": ["x" * 41]}, "keywords"),
        ({"keywords": [f"k{n}" for n in range(21)]}, "keywords"),
    ],
)
def test_invalid_values_are_refused_on_their_field(profile, supplier_admin, data, field):
    with pytest.raises(DomainError) as exc:
        services.profile_update(profile=profile, by=supplier_admin, **data)
    assert exc.value.field == field
    assert events("supplier_profile.update") == []


def test_unknown_fields_are_a_programming_error(profile, supplier_admin):
    with pytest.raises(TypeError):
        services.profile_update(profile=profile, by=supplier_admin, is_published=True)


def test_a_listed_profile_keeps_a_description(profile, supplier_admin):
    profile.description_en = "We build sensors."
    profile.is_published = True
    profile.save()

    with pytest.raises(DomainError) as exc:
        services.profile_update(profile=profile, by=supplier_admin, description_en="")
    assert exc.value.field == "description_nb"


# --- The SME category: all 16 combinations of the two bands ---------------------------------------

SME_TABLE = {
    # (employees, turnover): category: the larger of the two decides (EU 2003/361/EC)
    ("1-9", "0-20m"): "micro",
    ("1-9", "20-100m"): "small",
    ("1-9", "100-500m"): "medium",
    ("1-9", "500m+"): "large",
    ("10-49", "0-20m"): "small",
    ("10-49", "20-100m"): "small",
    ("10-49", "100-500m"): "medium",
    ("10-49", "500m+"): "large",
    ("50-249", "0-20m"): "medium",
    ("50-249", "20-100m"): "medium",
    ("50-249", "100-500m"): "medium",
    ("50-249", "500m+"): "large",
    ("250+", "0-20m"): "large",
    ("250+", "20-100m"): "large",
    ("250+", "100-500m"): "large",
    ("250+", "500m+"): "large",
}


def test_the_sme_table_covers_every_combination():
    assert set(SME_TABLE) == set(itertools.product(EmployeeBand.values, TurnoverBand.values))


@pytest.mark.parametrize(("bands", "category"), sorted(SME_TABLE.items()))
def test_the_update_derives_the_sme_category(profile, supplier_admin, bands, category):
    employees, turnover = bands
    services.profile_update(
        profile=profile, by=supplier_admin, employee_band=employees, turnover_band=turnover
    )
    profile.refresh_from_db()
    assert profile.sme_category == category


# --- Listing --------------------------------------------------------------------------------------


def test_publishing_needs_a_description(profile, supplier_admin):
    with translation.override("en"), pytest.raises(DomainError) as exc:
        services.profile_publish(profile=profile, by=supplier_admin)
    assert "description" in exc.value.message
    profile.refresh_from_db()
    assert profile.is_published is False


def test_publish_and_unpublish_are_audited_once_each(profile, supplier_admin):
    profile.description_en = "We build sensors."
    profile.save()

    services.profile_publish(profile=profile, by=supplier_admin)
    services.profile_publish(profile=profile, by=supplier_admin)
    profile.refresh_from_db()
    assert profile.is_published is True
    services.profile_unpublish(profile=profile, by=supplier_admin)

    profile.refresh_from_db()
    assert profile.is_published is False
    assert len(events("supplier_profile.publish")) == 1
    [unpublished] = events("supplier_profile.unpublish")
    assert unpublished.after == {"is_published": False}


# --- References -----------------------------------------------------------------------------------


def test_reference_add_update_delete_are_audited(profile, member):
    reference = services.reference_add(
        profile=profile,
        by=member,
        customer="Bærum kommune",
        year=2023,
        description="Sensorer i skolebygg.",
        public_sector=True,
    )
    services.reference_update(reference=reference, by=member, value_band="100k-1.3m")
    reference.refresh_from_db()
    assert reference.value_band == "100k-1.3m"
    services.reference_delete(reference=reference, by=member)

    assert not SupplierReference.objects.exists()
    [created] = events("supplier_reference.create")
    assert created.after["customer"] == "Bærum kommune"
    assert created.organisation_id == profile.organisation_id
    [updated] = events("supplier_reference.update")
    assert updated.before == {"value_band": ""}
    assert updated.after == {"value_band": "100k-1.3m"}
    [deleted] = events("supplier_reference.delete")
    assert deleted.before["year"] == 2023


def test_a_reference_from_the_future_is_refused(profile, supplier_admin):
    with pytest.raises(DomainError) as exc:
        services.reference_add(
            profile=profile,
            by=supplier_admin,
            customer="Asker kommune",
            year=timezone.localdate().year + 1,
            description="Ikke ennå.",
        )
    assert exc.value.field == "year"


def test_another_organisation_cannot_touch_a_reference(profile):
    reference = SupplierReferenceFactory(profile=profile)
    outsider = MembershipFactory(organisation=SupplierFactory(), role=Role.SUPPLIER_ADMIN).user
    with pytest.raises(PermissionDenied):
        services.reference_delete(reference=reference, by=outsider)
    assert SupplierReference.objects.filter(pk=reference.pk).exists()


# --- Contact person -------------------------------------------------------------------------------


def test_contact_set_links_a_member_with_that_address_and_audits_no_personal_data(
    profile, supplier_admin, member
):
    contact = services.contact_set(
        profile=profile,
        by=supplier_admin,
        name="Ola Nordmann",
        title="CTO",
        email=member.email.upper(),
        phone="+47 900 00 000",
    )

    assert contact.user == member
    [event] = events("contact_person.create")
    assert event.after == {
        "contact_id": contact.pk,
        "changed_fields": ["email", "name", "phone", "title"],
        "linked_user_id": member.pk,
    }
    assert "Ola" not in str(event.payload())
    assert member.email.upper() not in str(event.payload())


def test_contact_set_does_not_link_someone_outside_the_organisation(profile, supplier_admin):
    stranger = UserFactory(email="stranger@other.test")
    contact = services.contact_set(
        profile=profile, by=supplier_admin, name="Stranger", email=stranger.email
    )
    assert contact.user is None


def test_contact_set_needs_a_way_to_reach_the_person(profile, supplier_admin):
    with pytest.raises(DomainError) as exc:
        services.contact_set(profile=profile, by=supplier_admin, name="Ola")
    assert exc.value.field == "email"


def test_export_is_the_person_s_data_and_is_audited(profile):
    person = UserFactory(email="kari@fjordlys.test")
    contact = ContactPersonFactory(
        profile=profile, user=person, name="Kari Nordmann", email="kari@fjordlys.test"
    )

    data = services.contact_export(contact=contact, by=person)

    assert data["personal_data"] == {
        "name": "Kari Nordmann",
        "title": "Daglig leder",
        "email": "kari@fjordlys.test",
        "phone": "+47 22 33 44 55",
    }
    assert data["organisation"] == {
        "name": "Fjordlys Teknologi AS",
        "org_number": profile.organisation.org_number,
    }
    assert data["linked_account"] == "kari@fjordlys.test"
    [event] = events("contact_person.export")
    assert event.actor == person
    assert event.after == {"contact_id": contact.pk}


def test_a_plain_member_cannot_export_or_erase_someone_else(profile, member):
    contact = ContactPersonFactory(profile=profile)
    with pytest.raises(PermissionDenied):
        services.contact_export(contact=contact, by=member)
    with pytest.raises(PermissionDenied):
        services.contact_erase(contact=contact, by=member)


def test_erase_anonymises_keeps_the_row_and_is_audited(profile, supplier_admin):
    contact = ContactPersonFactory(profile=profile, user=UserFactory(), title="")

    services.contact_erase(contact=contact, by=supplier_admin)
    services.contact_erase(contact=contact, by=supplier_admin)  # idempotent

    stored = ContactPerson.objects.get(pk=contact.pk)
    assert stored.personal_data() == {"name": "", "title": "", "email": "", "phone": ""}
    assert stored.user is None
    assert stored.anonymised_at is not None
    [event] = events("contact_person.erase")
    assert event.object_repr == ""  # a contact person is a person: no label in the chain
    assert event.after["erased_fields"] == ["email", "name", "phone"]
    assert "Kari" not in str(event.payload())


def test_staff_erase_from_the_admin_needs_the_admin_permission(profile):
    contact = ContactPersonFactory(profile=profile)
    staff = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        services.contact_erase(contact=contact, by=staff, as_staff=True)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    services.contact_erase(contact=contact, by=superuser, as_staff=True)
    contact.refresh_from_db()
    assert contact.anonymised_at is not None
