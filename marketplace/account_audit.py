"""Security events of accounts go into the audit chain (Annex IV g: attempts must be detectable).

Receivers only record; they decide nothing. The chain names people by user id only (ADR 0013):
a failed login records the account tried by its id (nothing of what was typed when no account
has it), and is tallied per address like every refusal (``marketplace.services.refusals``), so
guessing passwords cannot grow the chain without bound.
"""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from marketplace.models import User
from marketplace.services.audit import audit_record
from marketplace.services.refusals import audit_refusal


def _record(action: str, user, **after) -> None:
    audit_record(actor=user, action=action, obj=user, after=after or None)


@receiver(auth_signals.user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    _record("account.login", user)


@receiver(auth_signals.user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        _record("account.logout", user)


@receiver(auth_signals.user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    typed = (credentials.get("email") or credentials.get("username") or "").strip()
    target = User.objects.filter(email__iexact=typed).first() if typed else None
    # The account tried (by id) when there is one; nothing of what was typed otherwise.
    audit_refusal(actor=None, action="account.login_failed", obj=target)


# Signals that carry ``user`` (and for MFA an ``authenticator``), and the action each records.
_ACCOUNT_EVENTS = {
    account_signals.user_signed_up: "account.signed_up",
    account_signals.password_set: "account.password_set",
    account_signals.password_changed: "account.password_changed",
    account_signals.password_reset: "account.password_reset",
    mfa_signals.authenticator_added: "account.mfa_added",
    mfa_signals.authenticator_removed: "account.mfa_removed",
    mfa_signals.authenticator_reset: "account.mfa_reset",
    mfa_signals.authentication_failed: "account.mfa_failed",
}
# Signals that carry an ``email_address``.
_EMAIL_EVENTS = {
    account_signals.email_added: "account.email_added",
    account_signals.email_removed: "account.email_removed",
    account_signals.email_confirmed: "account.email_confirmed",
}


@receiver(list(_ACCOUNT_EVENTS), dispatch_uid="audit_account_event")
def _account_event(sender, signal, user, authenticator=None, **kwargs):
    details = {"authenticator": authenticator.type} if authenticator is not None else {}
    _record(_ACCOUNT_EVENTS[signal], user, **details)


@receiver(list(_EMAIL_EVENTS), dispatch_uid="audit_email_event")
def _email_event(sender, signal, email_address, **kwargs):
    # The address's id, never the address: the chain cannot be erased (ADR 0013).
    _record(_EMAIL_EVENTS[signal], email_address.user, email_address_id=email_address.pk)
