"""Supplier profiles and contact persons in the Django admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.models import AuditEvent, ContactPerson
from tests.conftest import with_totp
from tests.factories import (
    ContactPersonFactory,
    SupplierProfileFactory,
    SupplierReferenceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = with_totp(UserFactory(email="drift@pilotmarked.test", is_staff=True, is_superuser=True))
    client.force_login(staff)
    return client


def test_the_profile_pages_open(staff_client):
    profile = SupplierProfileFactory()
    SupplierReferenceFactory(profile=profile)
    ContactPersonFactory(profile=profile)

    assert (
        staff_client.get(reverse("admin:marketplace_supplierprofile_changelist")).status_code == 200
    )
    change = reverse("admin:marketplace_supplierprofile_change", args=[profile.pk])
    response = staff_client.get(change)
    assert response.status_code == 200
    assert "Kari Nordmann" in response.content.decode()  # the contact, read-only


def _inline_management(prefix: str, total: int, initial: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_a_staff_change_is_audited_with_the_changed_fields(staff_client):
    profile = SupplierProfileFactory()
    data = {
        "organisation": profile.organisation.pk,
        "description_nb": "Rettet av drift.",
        "description_en": "",
        "keywords": "[]",
        "size_visibility": "public",
        "references_visibility": "buyers",
        "contact_visibility": "public",
        **_inline_management("references", 1, 0),
        "references-0-customer": "Asker kommune",
        "references-0-year": "2021",
        "references-0-description": "Sensorer.",
        **_inline_management("contact", 0, 0),
    }

    response = staff_client.post(
        reverse("admin:marketplace_supplierprofile_change", args=[profile.pk]), data
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    [event] = AuditEvent.objects.filter(action="supplier_profile.admin_update")
    assert event.before == {"description_nb": ""}
    assert event.after == {"description_nb": "Rettet av drift."}
    assert AuditEvent.objects.filter(action="supplier_reference.admin_create").count() == 1


def test_the_erase_action_anonymises_through_the_service(staff_client):
    contact = ContactPersonFactory()

    response = staff_client.post(
        reverse("admin:marketplace_contactperson_changelist"),
        {"action": "erase_contacts", "_selected_action": [contact.pk]},
    )

    assert response.status_code == 302
    stored = ContactPerson.objects.get(pk=contact.pk)
    assert stored.name == "" and stored.anonymised_at is not None
    assert AuditEvent.objects.filter(action="contact_person.erase").count() == 1


def test_contact_persons_cannot_be_deleted_in_the_admin(staff_client):
    contact = ContactPersonFactory()
    response = staff_client.get(
        reverse("admin:marketplace_contactperson_delete", args=[contact.pk])
    )
    assert response.status_code == 403
