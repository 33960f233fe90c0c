"""Personal API tokens: create (the secret is returned once, only its hash is kept) and revoke.

Both are audited. Who may create one is decided by the view (a recent login or
re-authentication, and TOTP in the session where the person's role requires it); whether the
token was created after TOTP is stored, and the API refuses tokens created without it from
people who must use TOTP (marketplace.api.auth).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.models import PersonalApiToken, TokenScope
from marketplace.models.tokens import token_digest
from marketplace.services.audit import audit_record

SECRET_PREFIX = "pm_"  # noqa: S105 (a label that makes leaked tokens easy to spot, not a secret)
SHOWN_PREFIX_LENGTH = 10


@transaction.atomic
def api_token_create(
    *, user, name: str, scopes: list[str], days: int, with_mfa: bool
) -> tuple[PersonalApiToken, str]:
    """Create a token for ``user``; returns it and the secret, which is never stored."""
    unknown = set(scopes) - set(TokenScope.values)
    if not scopes or unknown:
        raise DomainError(_("Choose at least one scope."), code="token_scopes", field="scopes")
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise DomainError(
            _("A token may last at most %(days)s days.") % {"days": settings.API_TOKEN_MAX_DAYS},
            code="token_lifetime",
            field="days",
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = PersonalApiToken(
        user=user,
        name=name.strip(),
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        digest=token_digest(secret),
        scopes=sorted(set(scopes)),
        created_with_mfa=with_mfa,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=user,
        action="api_token.created",
        obj=token,
        after={
            "name": token.name,
            "scopes": token.scopes,
            "expires_at": token.expires_at,
            "created_with_mfa": with_mfa,
        },
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: PersonalApiToken, by) -> PersonalApiToken:
    """Revoke ``token`` (idempotent: revoking twice keeps the first time)."""
    token = PersonalApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=by, action="api_token.revoked", obj=token, after={"name": token.name})
    return token
