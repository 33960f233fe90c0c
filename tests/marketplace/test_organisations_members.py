"""An organisation's admin manages its members and answers requests to join."""

from __future__ import annotations

from threading import Barrier, Thread

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import translation

from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import (
    AccessRequest,
    AuditEvent,
    Invitation,
    Membership,
    Notification,
    NotificationKind,
    Role,
)
from marketplace.services import organisations as services
from tests.conftest import with_totp
from tests.factories import (
    BuyerFactory,
    MembershipFactory,
    OrganisationUnitFactory,
    SupplierFactory,
    UserFactory,
)
from tests.factories.invitations import InvitationFactory

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    """A path in Bokmål (no prefix); tests add "/en" for English."""
    with translation.override("nb"):
        return reverse(f"marketplace:{name}", kwargs=kwargs or None)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def member(supplier):
    return MembershipFactory(
        organisation=supplier,
        role=Role.SUPPLIER_MEMBER,
        user=UserFactory(email="kollega@fjordlys.test", full_name="Ola Kollega", language="en"),
    )


@pytest.fixture
def buyer_admin(buyer):
    user = with_totp(UserFactory(email="admin@afk.test", full_name="Anne Admin"))
    MembershipFactory(user=user, organisation=buyer, role=Role.BUYER_ADMIN)
    return user


@pytest.fixture
def buyer_admin_client(client, buyer_admin):
    client.force_login(buyer_admin)
    return client


# --- The members page ---------------------------------------------------------------------------


def test_the_members_page_lists_members_invitations_and_requests(
    supplier_client, supplier, member, django_assert_max_num_queries
):
    for _ in range(30):
        MembershipFactory(organisation=supplier, role=Role.SUPPLIER_MEMBER)
    InvitationFactory.create_batch(5, organisation=supplier)
    for _ in range(5):
        AccessRequest.objects.create(organisation=supplier, user=UserFactory())

    with django_assert_max_num_queries(15):
        response = supplier_client.get(url("organisation_members", slug=supplier.slug))

    assert response.status_code == 200
    assert response.context["members_page"].paginator.count == 32
    assert len(response.context["members_page"].object_list) == 25
    assert len(response.context["invitations"]) == 5
    assert len(response.context["access_requests"]) == 5
    content = response.content.decode()
    # Every member on the first page is shown (which members that is depends on their names).
    for membership in response.context["members_page"].object_list:
        assert membership.user.email in content


def test_a_member_who_is_not_admin_gets_403_on_member_management(client, supplier, member):
    client.force_login(member.user)

    for path in (
        url("organisation_members", slug=supplier.slug),
        url("invitation_create", slug=supplier.slug),
        url("member_update", slug=supplier.slug, pk=member.pk),
    ):
        assert client.get(path).status_code == 403, path


def test_state_changes_refuse_get(supplier_client, supplier, member):
    invitation = InvitationFactory(organisation=supplier)
    request = AccessRequest.objects.create(organisation=supplier, user=UserFactory())

    revoke = supplier_client.get(url("invitation_revoke", slug=supplier.slug, pk=invitation.pk))
    dismiss = supplier_client.get(url("access_request_dismiss", slug=supplier.slug, pk=request.pk))

    assert (revoke.status_code, dismiss.status_code) == (405, 405)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_membership_of_another_organisation_answers_404(supplier_client, supplier):
    foreign = MembershipFactory(organisation=SupplierFactory())

    response = supplier_client.get(url("member_update", slug=supplier.slug, pk=foreign.pk))

    assert response.status_code == 404


# --- Roles --------------------------------------------------------------------------------------


def test_an_admin_makes_a_member_admin_and_the_member_is_told(supplier_client, supplier, member):
    response = supplier_client.post(
        url("member_update", slug=supplier.slug, pk=member.pk), {"role": "supplier_admin"}
    )

    member.refresh_from_db()
    assert response["Location"] == url("organisation_members", slug=supplier.slug)
    assert member.role == Role.SUPPLIER_ADMIN
    event = AuditEvent.objects.get(action="membership.update")
    assert (event.before["role"], event.after["role"]) == ("supplier_member", "supplier_admin")
    notification = Notification.objects.get(recipient=member.user)
    assert notification.kind == NotificationKind.MEMBERSHIP
    # in the member's own language (English)
    assert notification.subject == "Your role in Fjordlys Teknologi AS has changed"
    assert "Supplier administrator" in notification.body


def test_a_buyer_role_cannot_be_given_in_a_supplier(supplier_client, supplier, member):
    response = supplier_client.post(
        url("member_update", slug=supplier.slug, pk=member.pk), {"role": "procurement_officer"}
    )

    member.refresh_from_db()
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert member.role == Role.SUPPLIER_MEMBER


def test_a_buyer_admin_limits_a_role_to_one_of_its_units(
    buyer_admin_client, buyer, buyer_unit, procurement_officer
):
    membership = Membership.objects.get(user=procurement_officer)
    other_unit = OrganisationUnitFactory(organisation=buyer, name="Tannhelse")

    response = buyer_admin_client.post(
        url("member_update", slug=buyer.slug, pk=membership.pk),
        {"role": "evaluator", "unit": other_unit.pk},
    )

    membership.refresh_from_db()
    assert response.status_code == 302
    assert (membership.role, membership.unit) == (Role.EVALUATOR, other_unit)


def test_a_unit_of_another_buyer_is_refused(buyer_admin_client, buyer, procurement_officer):
    membership = Membership.objects.get(user=procurement_officer)
    foreign_unit = OrganisationUnitFactory(organisation=BuyerFactory())

    response = buyer_admin_client.post(
        url("member_update", slug=buyer.slug, pk=membership.pk),
        {"role": "evaluator", "unit": foreign_unit.pk},
    )

    membership.refresh_from_db()
    assert "unit" in response.context["form"].errors
    assert membership.role == Role.PROCUREMENT_OFFICER


def test_an_admin_role_is_not_limited_to_a_unit(
    buyer_admin, buyer, buyer_unit, procurement_officer
):
    membership = Membership.objects.get(user=procurement_officer)

    with pytest.raises(DomainError) as excinfo:
        services.membership_update(
            membership=membership, role=Role.BUYER_ADMIN, unit=buyer_unit, by=buyer_admin
        )

    assert excinfo.value.code == "admin_unit"


def test_the_last_admin_cannot_be_demoted(supplier_client, supplier, supplier_admin):
    own = Membership.objects.get(user=supplier_admin)

    response = supplier_client.post(
        "/en" + url("member_update", slug=supplier.slug, pk=own.pk), {"role": "supplier_member"}
    )

    own.refresh_from_db()
    assert own.role == Role.SUPPLIER_ADMIN
    assert response.context["form"].non_field_errors() == [
        "Fjordlys Teknologi AS must keep at least one administrator. "
        "Make someone else an administrator first."
    ]


def test_an_admin_may_step_down_when_another_admin_remains(supplier, supplier_admin, member):
    member.role = Role.SUPPLIER_ADMIN
    member.save()
    own = Membership.objects.get(user=supplier_admin)

    services.membership_update(membership=own, role=Role.SUPPLIER_MEMBER, by=supplier_admin)

    own.refresh_from_db()
    assert own.role == Role.SUPPLIER_MEMBER
    # nobody is told about their own change
    assert not Notification.objects.filter(recipient=supplier_admin).exists()


def test_an_admin_who_steps_down_lands_on_a_page_they_may_still_see(
    supplier_client, supplier, supplier_admin, member
):
    member.role = Role.SUPPLIER_ADMIN
    member.save()
    own = Membership.objects.get(user=supplier_admin)

    response = supplier_client.post(
        url("member_update", slug=supplier.slug, pk=own.pk), {"role": "supplier_member"}
    )

    assert response["Location"] == url("organisation_detail", slug=supplier.slug)
    assert supplier_client.get(response["Location"]).status_code == 200


def test_an_inactive_admin_does_not_count_as_the_remaining_admin(supplier, supplier_admin):
    MembershipFactory(
        organisation=supplier, role=Role.SUPPLIER_ADMIN, user=UserFactory(is_active=False)
    )
    own = Membership.objects.get(user=supplier_admin)

    with pytest.raises(DomainError) as excinfo:
        services.membership_remove(membership=own, by=supplier_admin)

    assert excinfo.value.code == "last_admin"


def test_only_an_admin_may_change_roles(supplier, member, supplier_admin):
    own = Membership.objects.get(user=supplier_admin)

    with pytest.raises(PermissionDenied):
        services.membership_update(membership=own, role=Role.SUPPLIER_MEMBER, by=member.user)

    own.refresh_from_db()
    assert own.role == Role.SUPPLIER_ADMIN


# --- Removing -----------------------------------------------------------------------------------


def test_an_admin_removes_a_member_after_confirming(supplier_client, supplier, member):
    confirm = supplier_client.get(url("member_remove", slug=supplier.slug, pk=member.pk))
    assert confirm.status_code == 200
    assert Membership.objects.filter(pk=member.pk).exists()

    response = supplier_client.post(url("member_remove", slug=supplier.slug, pk=member.pk))

    assert response["Location"] == url("organisation_members", slug=supplier.slug)
    assert not Membership.objects.filter(pk=member.pk).exists()
    # the person by id: the audit chain holds no e-mail addresses (ADR 0013)
    assert AuditEvent.objects.get(action="membership.delete").before["user_id"] == member.user_id
    notification = Notification.objects.get(recipient=member.user)
    assert notification.kind == NotificationKind.MEMBERSHIP
    assert "Fjordlys Teknologi AS" in notification.subject


def test_the_last_admin_cannot_be_removed(supplier_client, supplier, supplier_admin):
    own = Membership.objects.get(user=supplier_admin)

    response = supplier_client.post(
        "/en" + url("member_remove", slug=supplier.slug, pk=own.pk), follow=True
    )

    assert Membership.objects.filter(pk=own.pk).exists()
    assert messages_of(response) == [
        "Fjordlys Teknologi AS must keep at least one administrator. "
        "Make someone else an administrator first."
    ]


def test_a_removed_member_loses_access_at_once(client, supplier, supplier_admin, member):
    services.membership_remove(membership=member, by=supplier_admin)
    client.force_login(member.user)

    assert client.get(url("organisation_detail", slug=supplier.slug)).status_code == 404


# --- Access requests ----------------------------------------------------------------------------


def test_an_admin_turns_an_access_request_into_an_invitation(
    supplier_client, supplier, mailoutbox, django_capture_on_commit_callbacks
):
    requester = UserFactory(email="ny@fjordlys.test", full_name="Nina Ny")
    access_request = AccessRequest.objects.create(organisation=supplier, user=requester)
    path = url("access_request_invite", slug=supplier.slug, pk=access_request.pk)
    assert requester.email in supplier_client.get(path).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = supplier_client.post(path, {"role": "supplier_member"})

    access_request.refresh_from_db()
    assert response["Location"] == url("organisation_members", slug=supplier.slug)
    assert access_request.handled_at is not None
    invitation = Invitation.objects.get(organisation=supplier)
    assert (invitation.email, invitation.role) == ("ny@fjordlys.test", "supplier_member")
    assert [message.to for message in mailoutbox] == [["ny@fjordlys.test"]]
    assert not Membership.objects.filter(user=requester).exists()
    event = AuditEvent.objects.get(action="access_request.invite")
    assert event.before == {"handled_at": None}
    assert event.after["handled_at"] is not None
    assert event.after["invitation_id"] == invitation.pk


def test_an_admin_dismisses_an_access_request(supplier_client, supplier):
    access_request = AccessRequest.objects.create(organisation=supplier, user=UserFactory())

    supplier_client.post(url("access_request_dismiss", slug=supplier.slug, pk=access_request.pk))
    again = supplier_client.post(
        url("access_request_dismiss", slug=supplier.slug, pk=access_request.pk)
    )

    access_request.refresh_from_db()
    assert access_request.handled_at is not None
    assert again.status_code == 404
    event = AuditEvent.objects.get(action="access_request.dismiss")
    assert event.before == {"handled_at": None}
    assert event.after["handled_at"] is not None
    members_page = supplier_client.get(url("organisation_members", slug=supplier.slug))
    assert list(members_page.context["access_requests"]) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="SQLite lets one writer in at a time; the row lock matters on PostgreSQL",
)
def test_two_admins_stepping_down_at_once_leave_one_admin(supplier, supplier_admin):
    other_admin = MembershipFactory(organisation=supplier, role=Role.SUPPLIER_ADMIN).user
    both = Barrier(2)
    refused: list[str] = []

    def step_down(user):
        try:
            membership = Membership.objects.get(user=user, organisation=supplier)
            both.wait()
            services.membership_update(membership=membership, role=Role.SUPPLIER_MEMBER, by=user)
        except DomainError as error:
            refused.append(error.code)
        finally:
            connection.close()

    threads = [Thread(target=step_down, args=(user,)) for user in (supplier_admin, other_admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert refused == ["last_admin"]
    assert Membership.objects.filter(organisation=supplier, role=Role.SUPPLIER_ADMIN).count() == 1


def test_a_role_cannot_be_limited_to_an_inactive_unit(buyer, buyer_unit):
    from marketplace.errors import DomainError
    from marketplace.services.organisations import validate_role

    buyer_unit.is_active = False
    buyer_unit.save()

    with pytest.raises(DomainError) as excinfo:
        validate_role(organisation=buyer, role="need_owner", unit=buyer_unit)

    assert excinfo.value.code == "unit_invalid"


def test_the_database_refuses_an_administrator_limited_to_a_unit(buyer, buyer_unit):
    from django.db import IntegrityError, transaction

    from marketplace.models import Membership

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=UserFactory(), organisation=buyer, role=Role.BUYER_ADMIN, unit=buyer_unit
        )
