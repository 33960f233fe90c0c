"""Site staff create buyers and units in the Django admin; the rules still hold there."""

from __future__ import annotations

import pytest
from django.urls import reverse

import tests.factories.invitations  # noqa: F401  (registers the Faker locale shim)
from marketplace.models import AuditEvent, Membership, Organisation, Role
from tests.conftest import with_totp
from tests.factories import BuyerFactory, MembershipFactory, UserFactory
from tests.factories.invitations import InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = with_totp(UserFactory(email="drift@pilotmarked.test", is_staff=True, is_superuser=True))
    client.force_login(staff)
    return client


def _inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _organisation_data(**fields) -> dict:
    return {
        "kind": "buyer",
        "name": "Asker kommune",
        "org_number": "974 760 673",
        "slug": "asker-kommune",
        "website": "",
        **_inline_management("units"),
        **_inline_management("memberships"),
        **fields,
    }


def test_staff_create_a_buyer_with_units_and_the_number_is_compacted(staff_client):
    data = _organisation_data(**_inline_management("units", total=2))
    data.update(
        {
            "units-0-name": "Helse og omsorg",
            "units-0-name_en": "Health and care",
            "units-0-slug": "helse",
            "units-0-is_active": "on",
            "units-1-name": "Skole",
            "units-1-slug": "skole",
            "units-1-is_active": "on",
        }
    )

    response = staff_client.post(reverse("admin:marketplace_organisation_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    buyer = Organisation.objects.get(slug="asker-kommune")
    assert (buyer.kind, buyer.org_number) == ("buyer", "974760673")
    assert sorted(buyer.units.values_list("slug", flat=True)) == ["helse", "skole"]
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("organisationunit.admin_create") == 2
    assert "organisation.admin_create" in actions


@pytest.mark.parametrize(
    ("number", "code"),
    [("974760674", "org_number_checksum"), ("9747606", "org_number_length")],
)
def test_staff_cannot_save_an_invalid_number(staff_client, number, code):
    response = staff_client.post(
        reverse("admin:marketplace_organisation_add"), _organisation_data(org_number=number)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()["org_number"]
    assert [error.code for error in errors] == [code]
    assert not Organisation.objects.exists()


def test_staff_cannot_reuse_a_registered_number(staff_client):
    BuyerFactory(org_number="974760673")

    response = staff_client.post(
        reverse("admin:marketplace_organisation_add"), _organisation_data(slug="annen")
    )

    assert response.status_code == 200
    assert "org_number" in response.context["adminform"].form.errors
    assert Organisation.objects.count() == 1


def test_a_membership_in_the_admin_must_fit_the_kind(staff_client, supplier):
    person = UserFactory()

    response = staff_client.post(
        reverse("admin:marketplace_membership_add"),
        {"user": person.pk, "organisation": supplier.pk, "role": Role.PROCUREMENT_OFFICER},
    )

    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(user=person).exists()


def test_a_membership_in_the_admin_must_use_the_organisations_own_unit(
    staff_client, buyer, buyer_unit
):
    other = BuyerFactory()
    person = UserFactory()

    response = staff_client.post(
        reverse("admin:marketplace_membership_add"),
        {
            "user": person.pk,
            "organisation": other.pk,
            "role": Role.EVALUATOR,
            "unit": buyer_unit.pk,
        },
    )

    assert "unit" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(user=person).exists()


def test_the_membership_inline_offers_only_the_organisations_units(staff_client, buyer, buyer_unit):
    other_unit = BuyerFactory().units.create(name="Annen", slug="annen")

    response = staff_client.get(reverse("admin:marketplace_organisation_change", args=[buyer.pk]))

    formset = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "memberships"
    )
    choices = list(formset.formset.empty_form.fields["unit"].queryset)
    assert choices == [buyer_unit]
    assert other_unit not in choices


def test_admin_search_finds_a_formatted_number(staff_client, supplier):
    BuyerFactory()

    response = staff_client.get(
        reverse("admin:marketplace_organisation_changelist"), {"q": supplier.org_number_display}
    )

    assert list(response.context["cl"].result_list) == [supplier]


def test_invitations_are_read_only_and_show_no_token(staff_client, supplier):
    invitation = InvitationFactory(organisation=supplier, token="hemmelig-token")

    add = staff_client.get(reverse("admin:marketplace_invitation_add"))
    change = staff_client.get(reverse("admin:marketplace_invitation_change", args=[invitation.pk]))

    assert add.status_code == 403
    assert change.status_code == 200
    page = change.content.decode()
    assert "hemmelig-token" not in page
    assert invitation.token_hash in page
    assert 'name="email"' not in page


def test_deleting_a_membership_in_the_admin_is_audited(staff_client, supplier):
    membership = MembershipFactory(organisation=supplier)

    staff_client.post(
        reverse("admin:marketplace_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="membership.admin_delete")
    assert event.before["role"] == membership.role
    assert event.organisation_id == supplier.pk
