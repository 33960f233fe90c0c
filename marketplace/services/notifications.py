"""The one way the site tells a person something: inbox, e-mail, preferences.

``notify()`` stores a notification in the person's inbox and plans its e-mail from their
preference for that kind: at once (an outbox row delivered after the commit, so a broker outage
delays it but cannot lose it: ``marketplace.outbox``), in the next daily digest,
or not at all. E-mails are written in the person's chosen language and carry a one-click
unsubscribe link (RFC 8058) whose signed token is the authorisation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator

from marketplace.models import (
    Frequency,
    Notification,
    NotificationKind,
    NotificationPreference,
    User,
)
from marketplace.outbox import outbox_enqueue, outbox_handler
from marketplace.selectors.notifications import (
    can_receive_email,
    digest_due,
    frequencies_for,
    frequency_for,
    notifications_for,
)
from marketplace.services.audit import audit_record
from marketplace.site_url import absolute_url, site_url

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
_EMAIL_TEMPLATES = "marketplace/notifications"


@transaction.atomic
def notify(
    *,
    recipient: User,
    kind: str,
    key: str,
    template: str,
    context: dict | None = None,
    url: str = "",
) -> Notification:
    """Tell ``recipient`` something: stored in the inbox, e-mailed per their preference.

    ``template`` names a pair ``<template>_subject.txt`` / ``<template>_body.txt`` rendered in
    the recipient's language with ``context``. Idempotent on ``(recipient, key)``: calling again
    with the same key returns the existing notification and sends nothing.

    The templates are plain text and rendered without HTML escaping (``render_text``), so
    "Nord & Sør AS" is not written "Nord &amp; Sør AS"; pages escape the text when they show it.
    ``url`` is a site path (``/anbud/42/``) or an absolute address; e-mails make it absolute.
    """
    existing = Notification.objects.filter(recipient=recipient, key=key).first()
    if existing is not None:
        return existing

    kind = NotificationKind(kind).value
    _check_link(url)
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = render_text(f"{template}_subject.txt", context)
        body = render_text(f"{template}_body.txt", context)
    delivery = delivery_plan(recipient, frequency_for(recipient, kind))

    notification = Notification(
        recipient=recipient,
        kind=kind,
        key=key,
        subject=subject_line(subject),
        body=body.strip(),
        url=url,
        delivery=delivery,
    )
    # The unique constraint (recipient, key) is the real guard; the database enforces it.
    notification.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():  # a savepoint: a lost race must not spoil the caller's work
            notification.save(force_insert=True)
    except IntegrityError:
        # Someone else stored the same key for this person in the meantime: theirs stands.
        return Notification.objects.get(recipient=recipient, key=key)

    if delivery == Frequency.INSTANT:
        # An outbox row in this transaction: a broker outage delays the e-mail, never loses it.
        outbox_enqueue(
            handler=notification_email_deliver,
            payload={"notification_id": notification.pk},
            key=f"notifications:email:{notification.pk}",
        )
    return notification


def delivery_plan(recipient: User, frequency: str) -> str:
    """How a new notification is to be e-mailed: the person's frequency for its kind, or not at
    all for someone who cannot receive e-mail."""
    return frequency if can_receive_email(recipient) else Frequency.OFF


def subject_line(subject: str) -> str:
    """A rendered subject as stored: one line, at most 255 characters."""
    return Truncator(" ".join(subject.split())).chars(255)


def _check_link(url: str) -> None:
    """A site path ("/anbud/42/") or a web address, nothing a browser would run.

    "//evil.example/", "/\\evil.example/" and "/\\t/evil.example/" start with a slash but name
    another host (browsers read a backslash as a slash and drop tabs), so a "site path" must
    also pass Django's own test for a same-site redirect target.
    """
    if not url:
        return
    site_path = url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    if not (site_path or url.startswith(("https://", "http://"))):
        raise ValueError(f"A notification links to a site path or a web address, not {url!r}.")


def render_text(template_name: str, context: dict | None = None) -> str:
    """``render_to_string`` for plain text: the same templates, no HTML escaping.

    Django escapes every template alike; in a subject line or a text e-mail "&amp;" is a bug.
    """
    return get_template(template_name).template.render(Context(context or {}, autoescape=False))


# --- Reading and preferences ------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    return notifications_for(user).filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_save(
    *, user: User, frequencies: Mapping[str, str], via: str = "preferences"
) -> None:
    """Store the person's e-mail frequency per kind (``{kind: frequency}``).

    What changed is audited: whether someone was told of a deadline can depend on it, and the
    unsubscribe link changes it without a login. ``via`` says which way it came.
    """
    wanted = {
        NotificationKind(kind).value: Frequency(frequency).value
        for kind, frequency in frequencies.items()
    }
    current = frequencies_for(user)
    changed = {kind: frequency for kind, frequency in wanted.items() if current[kind] != frequency}
    for kind, frequency in wanted.items():
        preference, _created = NotificationPreference.objects.get_or_create(user=user, kind=kind)
        preference.frequency = frequency
        preference.full_clean()
        preference.save()
    if changed:
        audit_record(
            actor=user,
            action="notification_preferences.update",
            obj=user,
            before={kind: current[kind] for kind in changed},
            after={**changed, "via": via},
        )


def notification_unsubscribe(*, user: User, kinds: Iterable[str]) -> None:
    """Turn e-mail off for ``kinds``; the notifications still reach the inbox."""
    notification_preferences_save(
        user=user, frequencies=dict.fromkeys(kinds, Frequency.OFF), via="unsubscribe_link"
    )


# --- Unsubscribe tokens ------------------------------------------------------------------------


def unsubscribe_token(*, user: User, kinds: Iterable[str]) -> str:
    """A signed token naming a person and the kinds a click turns off. It does not expire:
    the unsubscribe link in an old e-mail must keep working."""
    return signing.dumps({"user": user.pk, "kinds": sorted(set(kinds))}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[User, list[str]]:
    """The person and kinds a token names. Raises ``signing.BadSignature`` for a bad token."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        kinds = [NotificationKind(kind).value for kind in data["kinds"]]
        user = User.objects.get(pk=data["user"])
    except (KeyError, TypeError, ValueError, User.DoesNotExist) as error:
        raise signing.BadSignature("The token names no one we know.") from error
    if not kinds:
        raise signing.BadSignature("The token names no kind.")
    return user, kinds


# --- E-mail ------------------------------------------------------------------------------------


def _absolute(url: str) -> str:
    return absolute_url(url)


def localised_link(url: str, language: str) -> str:
    """The site path ``url`` in ``language`` ("/min-side/" -> "/en/min-side/" for English).

    Callers store paths in the site's default language; other paths and addresses are kept.
    """
    if not url.startswith("/"):
        return url
    with translation.override(settings.LANGUAGE_CODE):  # resolve as the path was written
        return translate_url(url, language)


def _email(*, recipient: User, name: str, subject: str, context: dict, kinds: Iterable[str]):
    """One e-mail in the recipient's language with text and HTML parts and RFC 8058 headers."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        unsubscribe_url = unsubscribe_link(recipient=recipient, kinds=kinds)
        context = email_context(
            recipient=recipient, unsubscribe_url=unsubscribe_url, context=context
        )
        text = render_text(f"{_EMAIL_TEMPLATES}/email_{name}.txt", context)
        html = render_to_string(f"{_EMAIL_TEMPLATES}/email_{name}.html", context)
    return email_message(
        recipient=recipient, subject=subject, text=text, html=html, unsubscribe_url=unsubscribe_url
    )


def email_context(*, recipient: User, unsubscribe_url: str, context: dict) -> dict:
    """What every e-mail template gets besides its own ``context`` (in the active language)."""
    return {
        **context,
        "recipient": recipient,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": _absolute(reverse("marketplace:notification_preferences")),
        "inbox_url": _absolute(reverse("marketplace:notification_inbox")),
        "site_url": site_url(),
    }


def notification_link(notification: Notification, recipient: User) -> str:
    """The absolute address a notification's e-mail links to, in the recipient's language."""
    return _absolute(localised_link(notification.url, recipient.language))


def unsubscribe_link(*, recipient: User, kinds: Iterable[str]) -> str:
    """The absolute one-click unsubscribe address for ``kinds``, in the active language."""
    token = unsubscribe_token(user=recipient, kinds=kinds)
    return _absolute(reverse("marketplace:notification_unsubscribe", kwargs={"token": token}))


def email_message(
    *, recipient: User, subject: str, text: str, html: str, unsubscribe_url: str
) -> EmailMultiAlternatives:
    """An e-mail with text and HTML parts and the RFC 8058 one-click unsubscribe headers."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


@transaction.atomic
def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification, at most once. Returns whether an e-mail went out.

    The row is locked while the e-mail is sent, so two deliveries of the same task cannot both
    send; a task run again after success finds ``emailed_at`` set and does nothing.
    """
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.emailed_at is not None:
        return False
    recipient = notification.recipient
    if not can_receive_email(recipient):
        return False
    message = _email(
        recipient=recipient,
        name="notification",
        subject=notification.subject,
        context={"notification": notification, "link": notification_link(notification, recipient)},
        kinds=[notification.kind],
    )
    message.send()  # an SMTP error rolls back and the task retries
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


@outbox_handler
def notification_email_deliver(*, notification_id: int) -> None:
    """Outbox handler of ``notify``: e-mail the notification (at most once: ``emailed_at`` is
    set under a row lock, in the same transaction as the outbox row's "delivered" mark)."""
    notification_email_send(notification_id=notification_id)


@transaction.atomic
def digest_send(*, user_id: int) -> int:
    """Send one person their daily digest of everything waiting for it. Returns how many
    notifications it listed (0: nothing was sent). Running it again sends nothing more."""
    now = timezone.now()
    due = list(
        digest_due(before=now)
        .filter(recipient_id=user_id)
        .select_for_update(of=("self",))
        .select_related("recipient")
        .order_by("created_at", "id")
    )
    if not due:
        return 0
    recipient = due[0].recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = " ".join(
            render_text(
                f"{_EMAIL_TEMPLATES}/digest_subject.txt", {"count": len(due), "date": now}
            ).split()
        )
    items = [
        (notification, _absolute(localised_link(notification.url, recipient.language)))
        for notification in due
    ]
    message = _email(
        recipient=recipient,
        name="digest",
        subject=subject,
        context={"items": items, "count": len(due), "date": now},
        kinds={notification.kind for notification in due},
    )
    message.send()
    Notification.objects.filter(pk__in=[n.pk for n in due]).update(emailed_at=now)
    return len(due)
