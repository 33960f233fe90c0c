"""Reads about organisations and memberships, with related rows fetched up front.

Everything a person sees of an organisation starts from ``organisations_of(user)``: an
organisation they do not belong to is simply not in the queryset, so its URLs answer 404.
"""

from __future__ import annotations

import hashlib

from allauth.account.models import EmailAddress
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from marketplace.models import (
    AccessRequest,
    Invitation,
    Membership,
    Organisation,
    OrganisationUnit,
    Role,
    User,
)


def memberships_of(user) -> QuerySet[Membership]:
    """The person's memberships with their organisation and unit, by organisation name and role.

    The organisations are read by key (a prefetch, and a subquery for the order), not joined: a
    join let the planner merge-join the few memberships with the whole organisation table's key
    index whenever its statistics of the small membership table were older than the newest
    organisation (17 ms at 100,000 organisations, issue 14)."""
    name = Organisation.objects.filter(pk=OuterRef("organisation_id")).order_by().values("name")
    return (
        Membership.objects.for_user(user)
        .select_related("unit")
        .prefetch_related(Prefetch("organisation", queryset=Organisation.objects.order_by()))
        .annotate(organisation_name=Subquery(name))
        .order_by("organisation_name", "role")
    )


def organisations_of(user) -> QuerySet[Organisation]:
    """The organisations ``user`` belongs to, each with ``my_memberships`` (their own roles)."""
    return (
        Organisation.objects.for_member(user)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.for_user(user).select_related("unit"),
                to_attr="my_memberships",
            )
        )
        .order_by("name", "pk")
    )


def units_of(organisation: Organisation) -> QuerySet[OrganisationUnit]:
    return organisation.units.filter(is_active=True).order_by("name")


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    """Every membership of the organisation, with the person and unit."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "unit")
        .order_by("user__full_name", "user__email", "role", "pk")
    )


def admins_of(organisation: Organisation) -> QuerySet[User]:
    """Active people who administer the organisation as a whole."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation=organisation,
        memberships__role=Role.admin_role_for(organisation.kind),
        memberships__unit__isnull=True,
    ).distinct()


def pending_invitations_of(organisation: Organisation) -> QuerySet[Invitation]:
    return (
        organisation.invitations.pending()
        .select_related("unit", "invited_by")
        .order_by("email", "-created_at")
    )


def open_access_requests_of(organisation: Organisation) -> QuerySet[AccessRequest]:
    return (
        AccessRequest.objects.filter(organisation=organisation, handled_at__isnull=True)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def hash_invitation_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a raw token from an e-mailed link belongs to (in any state), or None."""
    if not token or len(token) > 200:
        return None
    return (
        Invitation.objects.select_related("organisation", "unit", "invited_by")
        .filter(token_hash=hash_invitation_token(token))
        .first()
    )


class InvitationStatus:
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


def invitation_status(invitation: Invitation) -> str:
    if invitation.accepted_at is not None:
        return InvitationStatus.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationStatus.REVOKED
    if not invitation.is_pending:
        return InvitationStatus.EXPIRED
    return InvitationStatus.PENDING


def has_verified_email(user, email: str) -> bool:
    """Whether ``user`` has proved (through allauth) that ``email`` is theirs."""
    if not getattr(user, "is_authenticated", False):
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
