"""Every object URL of organisations and notifications: another organisation's or person's object
answers 404 (not 403, not 200) and stays as it was. Reached through HTTP, as a person would.

``CASES`` names every URL with an object in it; ``test_every_object_url_is_covered`` fails when
a new one is added without a case here.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse
from django.utils import translation

import marketplace.urls_notifications
import marketplace.urls_organisations
from marketplace.models import AccessRequest, Invitation, Membership, Notification, Role
from tests.conftest import with_totp
from tests.factories import (
    BuyerFactory,
    MembershipFactory,
    OrganisationUnitFactory,
    UserFactory,
)
from tests.factories.invitations import InvitationFactory, with_verified_email
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db

# Reached by a secret in the address, not by belonging: tested in their own modules.
TOKEN_URLS = {
    "invitation_accept": "tests/marketplace/test_invitations.py",
    "notification_unsubscribe": "tests/marketplace/test_notifications_views.py",
}


def url(name: str, **kwargs) -> str:
    with translation.override("nb"):
        return reverse(f"marketplace:{name}", kwargs=kwargs or None)


class World:
    """Two organisations and two people; "mine" belongs to the actor, "theirs" does not."""

    def __init__(self, actor):
        self.mine = MembershipFactory(user=actor, role=Role.SUPPLIER_ADMIN).organisation
        self.theirs = BuyerFactory(name="Bærum kommune")
        unit = OrganisationUnitFactory(organisation=self.theirs)
        self.their_admin = MembershipFactory(
            user=with_totp(UserFactory()), organisation=self.theirs, role=Role.BUYER_ADMIN
        )
        self.their_member = MembershipFactory(
            user=with_totp(UserFactory()),
            organisation=self.theirs,
            role=Role.EVALUATOR,
            unit=unit,
        )
        self.their_invitation = InvitationFactory(organisation=self.theirs, role=Role.EVALUATOR)
        self.their_request = AccessRequest.objects.create(
            organisation=self.theirs, user=UserFactory()
        )
        self.their_notification = NotificationFactory(recipient=self.their_admin.user)
        # The actor is invited to them, but has not accepted: that gives no access either.
        with_verified_email(actor)
        InvitationFactory(organisation=self.theirs, email=actor.email, role=Role.EVALUATOR)

    def snapshot(self) -> tuple:
        return (
            sorted(Membership.objects.filter(organisation=self.theirs).values_list("pk", "role")),
            Invitation.objects.filter(pk=self.their_invitation.pk, revoked_at=None).exists(),
            AccessRequest.objects.filter(pk=self.their_request.pk, handled_at=None).exists(),
            Notification.objects.get(pk=self.their_notification.pk).read_at,
            self.theirs.__class__.objects.get(pk=self.theirs.pk).name,
        )


# (url name, method, kwargs from the world, form data). Their slug, and then my slug with their
# object, which a view that looked objects up by pk alone would let through.
CASES = [
    ("organisation_detail", "get", lambda w: {"slug": w.theirs.slug}, None),
    ("organisation_edit", "get", lambda w: {"slug": w.theirs.slug}, None),
    ("organisation_edit", "post", lambda w: {"slug": w.theirs.slug}, {"name": "Kapret"}),
    ("organisation_members", "get", lambda w: {"slug": w.theirs.slug}, None),
    *[
        (name, method, kwargs, data)
        for name, data in (
            ("member_update", {"role": Role.BUYER_ADMIN}),
            ("member_remove", {}),
        )
        for method in ("get", "post")
        for kwargs in (
            lambda w: {"slug": w.theirs.slug, "pk": w.their_member.pk},
            lambda w: {"slug": w.mine.slug, "pk": w.their_member.pk},
        )
    ],
    ("invitation_create", "get", lambda w: {"slug": w.theirs.slug}, None),
    (
        "invitation_create",
        "post",
        lambda w: {"slug": w.theirs.slug},
        {"email": "spion@example.test", "role": Role.BUYER_ADMIN},
    ),
    *[
        ("invitation_revoke", "post", kwargs, {})
        for kwargs in (
            lambda w: {"slug": w.theirs.slug, "pk": w.their_invitation.pk},
            lambda w: {"slug": w.mine.slug, "pk": w.their_invitation.pk},
        )
    ],
    *[
        ("access_request_invite", method, kwargs, {"role": Role.SUPPLIER_ADMIN})
        for method in ("get", "post")
        for kwargs in (
            lambda w: {"slug": w.theirs.slug, "pk": w.their_request.pk},
            lambda w: {"slug": w.mine.slug, "pk": w.their_request.pk},
        )
    ],
    *[
        ("access_request_dismiss", "post", kwargs, {})
        for kwargs in (
            lambda w: {"slug": w.theirs.slug, "pk": w.their_request.pk},
            lambda w: {"slug": w.mine.slug, "pk": w.their_request.pk},
        )
    ],
    ("notification_detail", "get", lambda w: {"pk": w.their_notification.pk}, None),
]


def _object_url_names() -> set[str]:
    names = set()
    for module in (marketplace.urls_organisations, marketplace.urls_notifications):
        for pattern in module.urlpatterns:
            assert isinstance(pattern, URLPattern)
            if pattern.pattern.converters:
                names.add(pattern.name)
    return names


def test_every_object_url_is_covered():
    covered = {name for name, *_ in CASES}

    assert _object_url_names() - set(TOKEN_URLS) == covered


@pytest.fixture(params=["admin-of-another-organisation", "superuser"])
def actor(request):
    """Someone who is not in "their" organisation. A superuser is no exception."""
    if request.param == "superuser":
        return with_totp(UserFactory(is_superuser=True, is_staff=True))
    return UserFactory()


@pytest.mark.parametrize(
    ("name", "method", "kwargs", "data"),
    CASES,
    ids=[f"{name}-{method}-{i}" for i, (name, method, _k, _d) in enumerate(CASES)],
)
def test_another_organisations_object_answers_404_and_is_untouched(
    client, actor, name, method, kwargs, data
):
    world = World(actor)
    before = world.snapshot()
    client.force_login(actor)

    path = url(name, **kwargs(world))
    response = client.get(path) if method == "get" else client.post(path, data)

    assert response.status_code == 404, (path, response.status_code)
    assert world.snapshot() == before
