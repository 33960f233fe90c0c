"""Invitations by e-mail: only the token's hash is kept; the link expires and works once."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import (
    AuditEvent,
    Invitation,
    Membership,
    Notification,
    NotificationKind,
    Role,
)
from marketplace.services import invitations as invitation_services
from marketplace.tasks import send_invitation_email
from tests.factories import MembershipFactory, UserFactory
from tests.factories.invitations import InvitationFactory, with_verified_email

pytestmark = pytest.mark.django_db

TOKEN_IN_LINK = re.compile(r"/invitasjon/([A-Za-z0-9_-]+)/")


def url(name: str, **kwargs) -> str:
    """A path in Bokmål (no prefix); tests add "/en" for English."""
    with translation.override("nb"):
        return reverse(f"marketplace:{name}", kwargs=kwargs or None)


def token_from(message) -> str:
    return TOKEN_IN_LINK.search(message.body).group(1)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """E-mails are sent when the transaction commits; run those callbacks."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def invitee(db):
    return with_verified_email(UserFactory(email="ny@fjordlys.test", full_name="Nina Ny"))


# --- Creating -----------------------------------------------------------------------------------


def test_an_admin_invites_by_email_and_only_the_tokens_hash_is_stored(
    supplier_client, supplier, supplier_admin, mailoutbox, settings, on_commit
):
    settings.INVITATION_TTL_DAYS = 3
    before = timezone.now()

    with on_commit(execute=True):
        response = supplier_client.post(
            url("invitation_create", slug=supplier.slug),
            {"email": "Ny@Fjordlys.test", "role": "supplier_member"},
        )

    assert response["Location"] == url("invitation_create", slug=supplier.slug)
    invitation = Invitation.objects.get()
    assert invitation.email == "ny@fjordlys.test"
    assert invitation.invited_by == supplier_admin
    assert before + timedelta(days=3) <= invitation.expires_at <= timezone.now() + timedelta(3)
    [message] = mailoutbox
    assert message.to == ["ny@fjordlys.test"]
    token = token_from(message)
    assert len(token) >= 43
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # the raw token is nowhere in the database
    event = AuditEvent.objects.get(action="invitation.create")
    assert token not in str(event.after) and token not in invitation.token_hash


def test_the_email_is_written_in_the_inviters_language(
    supplier, supplier_admin, mailoutbox, on_commit
):
    supplier_admin.language = "en"
    supplier_admin.save()

    with on_commit(execute=True):
        invitation_services.invitation_create(
            organisation=supplier,
            email="ny@fjordlys.test",
            role="supplier_admin",
            by=supplier_admin,
        )

    [message] = mailoutbox
    assert message.subject == "Invitation to join Fjordlys Teknologi AS on Pilotmarked"
    assert "Supplier administrator" in message.body
    assert "/en/invitasjon/" in message.body


def test_an_organisation_name_cannot_add_email_headers(
    supplier, supplier_admin, mailoutbox, on_commit
):
    """The name is typed by whoever registered it; the subject it goes into is one line."""
    supplier.name = "Fjordlys\r\nBcc: spion@example.test\u2028X"
    supplier.save(update_fields=["name"])
    supplier_admin.language = "en"
    supplier_admin.save(update_fields=["language"])

    with on_commit(execute=True):
        invitation_services.invitation_create(
            organisation=supplier,
            email="ny@fjordlys.test",
            role="supplier_member",
            by=supplier_admin,
        )

    [message] = mailoutbox
    assert message.subject == "Invitation to join Fjordlys Bcc: spion@example.test X on Pilotmarked"
    assert message.message()["Bcc"] is None
    assert message.recipients() == ["ny@fjordlys.test"]


def test_the_email_in_bokmal_uses_the_bokmal_texts(supplier, supplier_admin, mailoutbox, on_commit):
    with on_commit(execute=True):
        invitation_services.invitation_create(
            organisation=supplier,
            email="ny@fjordlys.test",
            role="supplier_admin",
            by=supplier_admin,
        )

    with translation.override("nb"):
        expected = translation.gettext("Invitation to join %(organisation)s on Pilotmarked") % {
            "organisation": supplier.name
        }
    [message] = mailoutbox
    assert message.subject == expected
    assert "/en/" not in message.body


def test_inviting_the_same_address_again_replaces_the_pending_invitation(
    supplier, supplier_admin, mailoutbox, on_commit
):
    with on_commit(execute=True):
        first = invitation_services.invitation_create(
            organisation=supplier,
            email="ny@fjordlys.test",
            role="supplier_member",
            by=supplier_admin,
        )
    with on_commit(execute=True):
        second = invitation_services.invitation_create(
            organisation=supplier,
            email="NY@fjordlys.test",
            role="supplier_admin",
            by=supplier_admin,
        )

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert list(supplier.invitations.pending()) == [second]
    assert len(mailoutbox) == 2


def test_only_an_admin_may_invite(supplier):
    member = MembershipFactory(organisation=supplier, role=Role.SUPPLIER_MEMBER).user

    with pytest.raises(PermissionDenied):
        invitation_services.invitation_create(
            organisation=supplier, email="x@example.test", role=Role.SUPPLIER_ADMIN, by=member
        )

    assert not Invitation.objects.exists()


def test_a_person_who_already_has_the_role_is_not_invited(supplier_client, supplier):
    member = MembershipFactory(organisation=supplier, role=Role.SUPPLIER_MEMBER).user

    response = supplier_client.post(
        url("invitation_create", slug=supplier.slug),
        {"email": member.email.upper(), "role": "supplier_member"},
    )

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_a_buyer_invitation_may_be_limited_to_a_unit(buyer, buyer_unit):
    from tests.conftest import with_totp

    admin = with_totp(UserFactory())
    MembershipFactory(user=admin, organisation=buyer, role=Role.BUYER_ADMIN)

    invitation = invitation_services.invitation_create(
        organisation=buyer, email="x@afk.test", role=Role.NEED_OWNER, unit=buyer_unit, by=admin
    )

    assert invitation.unit == buyer_unit


# --- Revoking -----------------------------------------------------------------------------------


def test_an_admin_withdraws_an_invitation_and_its_link_stops_working(
    supplier_client, client, supplier, invitee
):
    invitation = InvitationFactory(organisation=supplier, email=invitee.email, token="abc")

    supplier_client.post(url("invitation_revoke", slug=supplier.slug, pk=invitation.pk))

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.filter(action="invitation.revoke").count() == 1
    client.force_login(invitee)
    response = client.post(url("invitation_accept", token="abc"))
    assert response.status_code == 410
    assert not Membership.objects.filter(user=invitee).exists()


def test_a_withdrawn_invitation_is_not_emailed_by_a_late_task(supplier, mailoutbox):
    invitation = InvitationFactory(organisation=supplier, token="late", revoked_at=timezone.now())

    assert send_invitation_email(invitation.pk, "late") is False
    assert mailoutbox == []


# --- Accepting ----------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_asked_to_log_in_or_sign_up_and_come_back(client, supplier):
    InvitationFactory(organisation=supplier, token="tok", role=Role.SUPPLIER_ADMIN)
    path = url("invitation_accept", token="tok")

    page = client.get("/en" + path)
    post = client.post(path)

    assert page.status_code == 200
    content = page.content.decode()
    assert "Fjordlys Teknologi AS" in content
    assert "Supplier administrator" in content
    assert page.context["login_url"] == f"/en/accounts/login/?next=%2Fen{path.replace('/', '%2F')}"
    assert page.context["signup_url"].startswith("/en/accounts/signup/?next=")
    assert post.status_code == 302 and post["Location"].startswith("/accounts/login/?next=")
    assert page["Cache-Control"].startswith("max-age=0")


def test_accepting_creates_the_membership_once_and_tells_the_inviter(
    client, supplier, supplier_admin, invitee
):
    invitation = InvitationFactory(
        organisation=supplier, email="NY@fjordlys.test", token="tok", invited_by=supplier_admin
    )
    client.force_login(invitee)
    assert (
        "Accept invitation"
        in client.get("/en" + url("invitation_accept", token="tok")).content.decode()
    )

    response = client.post(url("invitation_accept", token="tok"))

    assert response["Location"] == url("organisation_detail", slug=supplier.slug)
    assert Membership.objects.filter(
        user=invitee, organisation=supplier, role=Role.SUPPLIER_MEMBER
    ).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee and invitation.accepted_at is not None
    assert {"invitation.accept", "membership.create"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
    assert Notification.objects.filter(recipient=invitee, kind=NotificationKind.MEMBERSHIP).exists()
    assert Notification.objects.filter(
        recipient=supplier_admin, kind=NotificationKind.INVITATION
    ).exists()
    # the link works once
    again = client.post(url("invitation_accept", token="tok"))
    assert again.status_code == 410
    assert Membership.objects.filter(user=invitee).count() == 1


def test_accepting_a_unit_limited_buyer_role(client, buyer, buyer_unit, invitee):
    InvitationFactory(
        organisation=buyer, email=invitee.email, token="tok", role=Role.EVALUATOR, unit=buyer_unit
    )
    client.force_login(invitee)

    client.post(url("invitation_accept", token="tok"))

    membership = Membership.objects.get(user=invitee)
    assert (membership.organisation, membership.role, membership.unit) == (
        buyer,
        Role.EVALUATOR,
        buyer_unit,
    )
    # buyer staff must set up TOTP before anything else
    detail = client.get(url("organisation_detail", slug=buyer.slug))
    assert detail.status_code == 302
    assert detail["Location"] == "/accounts/2fa/totp/activate/"


def test_another_account_cannot_accept_someone_elses_invitation(client, supplier):
    InvitationFactory(organisation=supplier, email="ny@fjordlys.test", token="tok")
    other = with_verified_email(UserFactory(email="annen@example.test"))
    client.force_login(other)

    page = client.get("/en" + url("invitation_accept", token="tok"))
    response = client.post("/en" + url("invitation_accept", token="tok"))

    assert page.status_code == 200
    assert "This invitation was sent to ny@fjordlys.test." in page.content.decode()
    assert "Accept invitation" not in page.content.decode()
    assert response.status_code == 403
    assert not Membership.objects.filter(user=other).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_unconfirmed_address_is_not_enough(client, supplier):
    from allauth.account.models import EmailAddress

    person = UserFactory(email="ny@fjordlys.test")
    EmailAddress.objects.create(user=person, email=person.email, verified=False, primary=True)
    InvitationFactory(organisation=supplier, email=person.email, token="tok")
    client.force_login(person)

    response = client.post(url("invitation_accept", token="tok"))

    assert response.status_code == 403
    assert not Membership.objects.filter(user=person).exists()


def test_an_expired_invitation_answers_410_and_creates_nothing(client, supplier, invitee):
    InvitationFactory(
        organisation=supplier,
        email=invitee.email,
        token="old",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    client.force_login(invitee)

    get = client.get("/en" + url("invitation_accept", token="old"))
    post = client.post(url("invitation_accept", token="old"))

    assert (get.status_code, post.status_code) == (410, 410)
    assert "This invitation has expired." in get.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()


def test_an_unknown_token_answers_404(client, invitee):
    client.force_login(invitee)

    assert client.get(url("invitation_accept", token="nope")).status_code == 404
    assert client.post(url("invitation_accept", token="nope")).status_code == 404
    assert not Membership.objects.exists()


def test_accepting_through_the_emailed_link_end_to_end(
    supplier_client, client, supplier, invitee, mailoutbox, on_commit
):
    with on_commit(execute=True):
        supplier_client.post(
            url("invitation_create", slug=supplier.slug),
            {"email": invitee.email, "role": "supplier_member"},
        )
    token = token_from(mailoutbox[0])
    client.force_login(invitee)

    response = client.post(url("invitation_accept", token=token))

    assert response.status_code == 302
    assert client.get(url("organisation_detail", slug=supplier.slug)).status_code == 200


def test_the_service_refuses_a_used_invitation(supplier, invitee):
    invitation = InvitationFactory(
        organisation=supplier, email=invitee.email, accepted_at=timezone.now()
    )

    with pytest.raises(DomainError) as excinfo:
        invitation_services.invitation_accept(invitation=invitation, user=invitee)

    assert excinfo.value.code == "invitation_used"


def test_an_invitation_whose_role_no_longer_fits_the_organisation_is_refused(client, invitee):
    """Staff turned a buyer into a supplier after a buyer-admin invitation went out."""
    from tests.factories import BuyerFactory

    organisation = BuyerFactory()
    InvitationFactory(
        organisation=organisation, email=invitee.email, role=Role.BUYER_ADMIN, token="tok"
    )
    organisation.kind = organisation.Kind.SUPPLIER
    organisation.save(update_fields=["kind"])
    client.force_login(invitee)

    response = client.post("/en" + url("invitation_accept", token="tok"))

    assert response.status_code == 403
    assert "This role does not exist for this kind of organisation." in response.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_organisation_cannot_send_more_than_the_hourly_cap(supplier_client, supplier, settings):
    settings.INVITATIONS_PER_HOUR = 3
    for n in range(3):
        supplier_client.post(
            url("invitation_create", slug=supplier.slug),
            {"email": f"person{n}@example.test", "role": "supplier_member"},
        )

    response = supplier_client.post(
        url("invitation_create", slug=supplier.slug),
        {"email": "one-too-many@example.test", "role": "supplier_member"},
    )

    assert response.status_code == 200
    assert "3 invitasjoner den siste timen" in str(response.context["form"].errors["email"])
    assert supplier.invitations.count() == 3
