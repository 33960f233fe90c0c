"""Writes about invitations and access requests: inviting by e-mail, accepting, answering.

An invitation's token is random and e-mailed once; only its SHA-256 is stored. Every function
checks the policy itself, writes in one transaction and records an audit event.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import (
    AccessRequest,
    Invitation,
    Membership,
    NotificationKind,
    Organisation,
    OrganisationUnit,
    Role,
    User,
)
from marketplace.policy import Action
from marketplace.selectors.organisations import (
    InvitationStatus,
    has_verified_email,
    hash_invitation_token,
    invitation_status,
)
from marketplace.services.audit import audit_record
from marketplace.services.notifications import notify
from marketplace.services.organisations import (
    default_language_path,
    lock_organisation,
    membership_context,
    membership_data,
    require_action,
    validate_role,
)
from marketplace.site_url import absolute_url
from marketplace.task_names import task_named


def _invitation_data(invitation: Invitation) -> dict:
    return {
        "role": invitation.role,
        "unit_id": invitation.unit_id,
        "expires_at": invitation.expires_at,
        "accepted_at": invitation.accepted_at,
        "revoked_at": invitation.revoked_at,
    }


# --- Invitations --------------------------------------------------------------------------------


@transaction.atomic
def _check_invitation_rate(organisation: Organisation, *, now) -> None:
    """Invitations send e-mail to any address: cap how many an organisation sends an hour.

    Counted in the database (the organisation row is locked), so it holds across processes.
    """
    limit = settings.INVITATIONS_PER_HOUR
    sent = organisation.invitations.filter(created_at__gte=now - timedelta(hours=1)).count()
    if sent >= limit:
        raise DomainError(
            _(
                "Your organisation has sent %(limit)s invitations in the last hour. "
                "Wait a while before you send more."
            )
            % {"limit": limit},
            code="invitation_rate_limited",
            field="email",
        )


def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    unit: OrganisationUnit | None = None,
    by: User,
) -> Invitation:
    """Invite an e-mail address to join with a role. The accept link is e-mailed on commit.

    Only the SHA-256 of the token is stored. A pending invitation to the same address is
    revoked: the newest one counts.
    """
    organisation = lock_organisation(organisation)
    require_action(by, Action.MEMBERS_MANAGE, organisation)
    email = User.objects.normalize_email(email.strip()).lower()
    validate_role(organisation=organisation, role=role, unit=unit)
    already = Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, role=role, unit=unit
    )
    if already.exists():
        raise DomainError(
            _("%(email)s already has this role.") % {"email": email},
            code="already_member",
            field="email",
        )
    now = timezone.now()
    _check_invitation_rate(organisation, now=now)
    for old in organisation.invitations.pending().filter(email__iexact=email):
        _invitation_revoke(old, by=by, now=now, reason="replaced")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        unit=unit,
        token_hash=hash_invitation_token(token),
        invited_by=by,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=by,
        action="invitation.create",
        obj=invitation,
        after=_invitation_data(invitation),
        organisation=organisation,
    )
    invitation_id = invitation.pk
    send_invitation_email = task_named("marketplace.send_invitation_email")  # marketplace.tasks
    # robust: with the broker down the invitation is saved and the request succeeds, but this
    # e-mail is lost (logged). The raw token is never stored, so it cannot wait in the outbox.
    transaction.on_commit(lambda: send_invitation_email.delay(invitation_id, token), robust=True)
    return invitation


def invitation_email_send(*, invitation: Invitation, token: str) -> bool:
    """E-mail the accept link, in the inviter's language. False when it is no longer pending."""
    if invitation_status(invitation) != InvitationStatus.PENDING:
        return False
    if not secrets.compare_digest(hash_invitation_token(token), invitation.token_hash):
        raise ValueError("The token does not belong to this invitation.")
    inviter = invitation.invited_by
    language = (inviter.language if inviter else None) or settings.LANGUAGE_CODE
    with translation.override(language):
        path = reverse("marketplace:invitation_accept", kwargs={"token": token})
        context = {
            "invitation": invitation,
            "organisation_name": invitation.organisation.name,
            "role_label": invitation.get_role_display(),
            "unit_name": invitation.unit.display_name if invitation.unit else "",
            "inviter_name": inviter.get_full_name() if inviter else "",
            "accept_url": absolute_url(path),
            "expires_at": invitation.expires_at,
        }
        subject = render_to_string(
            "marketplace/organisations/email/invitation_subject.txt", context
        )
        body = render_to_string("marketplace/organisations/email/invitation_body.txt", context)
    send_mail(
        " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
    )
    return True


def _invitation_revoke(invitation: Invitation, *, by: User, now, reason: str) -> None:
    before = _invitation_data(invitation)
    invitation.revoked_at = now
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=by,
        action="invitation.revoke",
        obj=invitation,
        before=before,
        after={**_invitation_data(invitation), "reason": reason},
        organisation=invitation.organisation_id,
    )


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    organisation = lock_organisation(invitation.organisation)
    require_action(by, Action.MEMBERS_MANAGE, organisation)
    invitation = Invitation.objects.get(pk=invitation.pk)
    if invitation_status(invitation) != InvitationStatus.PENDING:
        raise DomainError(_("This invitation is no longer pending."), code="invitation_closed")
    _invitation_revoke(invitation, by=by, now=timezone.now(), reason="revoked")
    return invitation


def invitation_problem(invitation: Invitation) -> DomainError | None:
    """Why an invitation cannot be accepted any more, or None when it can."""
    status = invitation_status(invitation)
    if status == InvitationStatus.ACCEPTED:
        return DomainError(_("This invitation has already been used."), code="invitation_used")
    if status == InvitationStatus.REVOKED:
        return DomainError(
            _("This invitation has been withdrawn by the organisation."),
            code="invitation_revoked",
        )
    if status == InvitationStatus.EXPIRED:
        return DomainError(
            _("This invitation has expired. Ask the organisation for a new one."),
            code="invitation_expired",
        )
    return None


def email_mismatch_error(invitation: Invitation) -> DomainError:
    return DomainError(
        _(
            "This invitation was sent to %(email)s. Log in with that address, or add it to "
            "your account and confirm it, then open the link again."
        )
        % {"email": invitation.email},
        code="email_mismatch",
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the organisation. The account must have confirmed the invited e-mail address."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Log in to accept the invitation."))
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "unit", "invited_by")
        .get(pk=invitation.pk)
    )
    problem = invitation_problem(invitation)
    if problem is not None:
        raise problem
    if not has_verified_email(user, invitation.email):
        raise email_mismatch_error(invitation)
    organisation = invitation.organisation
    # Checked when it was sent, and again now: staff may have changed the organisation's kind
    # since (the admin checks its members, not its open invitations).
    validate_role(organisation=organisation, role=invitation.role, unit=invitation.unit)
    membership = Membership.objects.filter(
        user=user, organisation=organisation, role=invitation.role, unit=invitation.unit
    ).first()
    created = membership is None
    if created:
        membership = Membership(
            user=user, organisation=organisation, role=invitation.role, unit=invitation.unit
        )
        membership.full_clean()
        membership.save()
    before = _invitation_data(invitation)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=user,
        action="invitation.accept",
        obj=invitation,
        before=before,
        after=_invitation_data(invitation),
        organisation=organisation,
    )
    if created:
        audit_record(
            actor=user,
            action="membership.create",
            obj=membership,
            after={**membership_data(membership), "invitation_id": invitation.pk},
            organisation=organisation,
        )
        notify(
            recipient=user,
            kind=NotificationKind.MEMBERSHIP,
            key=f"membership-added:{membership.pk}",
            template="marketplace/notifications/membership_added",
            context=membership_context(membership, organisation),
            url=default_language_path("marketplace:organisation_detail", slug=organisation.slug),
        )
    inviter = invitation.invited_by
    if inviter is not None and inviter.is_active and inviter.pk != user.pk:
        notify(
            recipient=inviter,
            kind=NotificationKind.INVITATION,
            key=f"invitation-accepted:{invitation.pk}",
            template="marketplace/notifications/invitation_accepted",
            context={
                "organisation_name": organisation.name,
                "member_name": user.get_full_name(),
                "member_email": user.email,
                "role_label": Role(invitation.role).label,
            },
            url=default_language_path("marketplace:organisation_members", slug=organisation.slug),
        )
    return membership


# --- Access requests ----------------------------------------------------------------------------


def _open_access_request(access_request: AccessRequest) -> AccessRequest:
    access_request = AccessRequest.objects.select_related("user", "organisation").get(
        pk=access_request.pk
    )
    if access_request.handled_at is not None:
        raise DomainError(_("This request has already been handled."), code="request_handled")
    return access_request


@transaction.atomic
def access_request_invite(
    *,
    access_request: AccessRequest,
    role: str,
    unit: OrganisationUnit | None = None,
    by: User,
) -> Invitation:
    """Answer an access request with an invitation to the person's e-mail address."""
    organisation = lock_organisation(access_request.organisation)
    require_action(by, Action.MEMBERS_MANAGE, organisation)
    access_request = _open_access_request(access_request)
    invitation = invitation_create(
        organisation=organisation, email=access_request.user.email, role=role, unit=unit, by=by
    )
    access_request.handled_at = timezone.now()
    access_request.save(update_fields=["handled_at"])
    audit_record(
        actor=by,
        action="access_request.invite",
        obj=access_request,
        before={"handled_at": None},
        after={
            "handled_at": access_request.handled_at,
            "invitation_id": invitation.pk,
            "role": role,
        },
        organisation=organisation,
    )
    return invitation


@transaction.atomic
def access_request_dismiss(*, access_request: AccessRequest, by: User) -> AccessRequest:
    organisation = lock_organisation(access_request.organisation)
    require_action(by, Action.MEMBERS_MANAGE, organisation)
    access_request = _open_access_request(access_request)
    access_request.handled_at = timezone.now()
    access_request.save(update_fields=["handled_at"])
    audit_record(
        actor=by,
        action="access_request.dismiss",
        obj=access_request,
        before={"handled_at": None},
        after={"handled_at": access_request.handled_at},
        organisation=organisation,
    )
    return access_request
