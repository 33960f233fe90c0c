"""The audit chain holds no personal data (ADR 0013): people by user id, erasure leaves nothing."""

from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from marketplace.models import AuditEvent, ContactPerson, User
from marketplace.services.audit import audit_record
from marketplace.services.erasure import ERASED_DOMAIN, person_erase
from marketplace.services.organisations import supplier_register
from marketplace.services.profiles import contact_set, profile_get_or_create
from tests.conftest import with_totp
from tests.factories import SupplierFactory, UserFactory
from tests.factories.organisations import valid_org_number

pytestmark = pytest.mark.django_db

EMAIL, NAME, PHONE = "kari.nordmann@fjordlys.test", "Kari Nordmann", "+47 912 34 567"


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def chain_text() -> str:
    """Everything the chain holds, as text (what the hash covers, plus the stored hashes)."""
    return "\n".join(
        str(event.payload()) + event.hash for event in AuditEvent.objects.order_by("id")
    ).lower()


def assert_nothing_personal(*values: str) -> None:
    text = chain_text()
    for value in values:
        assert value.lower() not in text, value


def test_an_actor_is_stored_by_id_and_shown_by_todays_name():
    person = UserFactory(email=EMAIL, full_name=NAME)

    event = audit_record(actor=person, action="organisation.edit", obj=person)

    assert (event.actor_id, event.actor_label, event.object_repr) == (person.pk, "user", "")
    assert event.actor_display() == f"{NAME} (#{person.pk})"
    person.full_name = "Kari Hansen"
    person.save()
    assert AuditEvent.objects.get(pk=event.pk).actor_display() == f"Kari Hansen (#{person.pk})"


@pytest.mark.parametrize("key", ["email", "requester_email", "Phone"])
def test_contact_details_in_before_or_after_are_refused(key):
    with pytest.raises(ValueError, match="contact details"):
        audit_record(actor=None, action="test.leak", after={"nested": {key: EMAIL}})

    assert not AuditEvent.objects.exists()


def test_erasing_a_person_leaves_nothing_personal_in_the_chain(client):
    # given a person who registered a supplier, logged in and out, failed a login, was named
    # contact person, and whose address was confirmed
    person = UserFactory(email=EMAIL, full_name=NAME)
    EmailAddress.objects.create(user=person, email=EMAIL, verified=True, primary=True)
    supplier = supplier_register(
        name="Fjordlys Teknologi AS", org_number=valid_org_number(4711), by=person
    ).organisation
    client.post("/accounts/login/", {"login": EMAIL, "password": "correct horse battery"})
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": EMAIL.upper(), "password": "wrong"})
    profile = profile_get_or_create(organisation=supplier, by=person)
    contact_set(profile=profile, by=person, name=NAME, email=EMAIL, phone=PHONE)
    assert AuditEvent.objects.filter(actor=person).count() >= 4

    # when they are erased
    out = io.StringIO()
    call_command("erase_person", EMAIL, stdout=out)

    # then the chain holds nothing that says who they were, and is intact
    assert out.getvalue().strip() == f"Erased user #{person.pk}."
    assert_nothing_personal(EMAIL, "kari", "nordmann", PHONE, "912 34")
    assert verify().startswith("Audit chain intact")
    # the person is still there by id, and shows as erased
    person.refresh_from_db()
    assert person.email == f"erased-{person.pk}@{ERASED_DOMAIN}"
    assert (person.full_name, person.is_active, person.has_usable_password()) == ("", False, False)
    assert not EmailAddress.objects.filter(user=person).exists()
    contact = ContactPerson.objects.get(profile=profile)
    assert (contact.name, contact.email, contact.phone) == ("", "", "")
    erased = AuditEvent.objects.get(action="account.erased")
    assert erased.object_id == str(person.pk)
    with translation.override("en"):
        shown = AuditEvent.objects.filter(actor=person).first().actor_display()
    assert shown == f"erased user #{person.pk}"
    # and a login with the old address finds nobody
    assert not User.objects.filter(email__iexact=EMAIL).exists()


def test_the_admin_shows_an_erased_actor_and_erases_through_the_service(client):
    staff = with_totp(UserFactory(email="drift@pilotmarked.test"))
    staff.is_staff = staff.is_superuser = True
    staff.save()
    person = UserFactory(email=EMAIL, full_name=NAME)
    audit_record(actor=person, action="organisation.edit", obj=SupplierFactory())
    client.force_login(staff)

    response = client.post(
        reverse("admin:marketplace_user_changelist"),
        {"action": "erase_persons", "_selected_action": [person.pk]},
        follow=True,
    )

    # the Django admin has no language prefix, so it speaks the default language, Bokmål
    assert "1 person anonymisert." in response.content.decode()
    listing = client.get(reverse("admin:marketplace_auditevent_changelist")).content.decode()
    assert f"anonymisert bruker #{person.pk}" in listing
    assert EMAIL not in listing and NAME not in listing
    assert AuditEvent.objects.filter(action="account.erased", actor=staff).exists()


def test_erase_person_refuses_unknown_and_already_erased_people():
    person = UserFactory(email=EMAIL)
    person_erase(user=person, by=None)

    with translation.override("en"):
        with pytest.raises(CommandError, match=r"No person 'nobody@example\.test'"):
            call_command("erase_person", "nobody@example.test")
        with pytest.raises(CommandError, match="already been erased"):
            call_command("erase_person", str(person.pk))
    assert AuditEvent.objects.filter(action="account.erased").count() == 1


def test_only_staff_who_may_change_users_can_erase():
    from marketplace.errors import PermissionDenied

    person, someone = UserFactory(), UserFactory(is_staff=True)

    with pytest.raises(PermissionDenied):
        person_erase(user=person, by=someone)

    person.refresh_from_db()
    assert person.anonymised_at is None
