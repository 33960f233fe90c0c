"""Invitations with a known raw token, and confirmed e-mail addresses (allauth)."""

from __future__ import annotations

import secrets
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from marketplace.models import Invitation, Role
from marketplace.selectors.organisations import hash_invitation_token

from .organisations import SupplierFactory


class InvitationFactory(factory.django.DjangoModelFactory):
    """``InvitationFactory(token="...")`` stores that token's hash; the token is not kept."""

    class Meta:
        model = Invitation

    class Params:
        token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))

    organisation = factory.SubFactory(SupplierFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = Role.SUPPLIER_MEMBER
    token_hash = factory.LazyAttribute(lambda o: hash_invitation_token(o.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


def with_verified_email(user, email: str | None = None):
    """Give ``user`` a confirmed e-mail address (their own by default), as allauth records it."""
    EmailAddress.objects.create(
        user=user,
        email=(email or user.email).lower(),
        verified=True,
        primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
    )
    return user
