"""``notify()`` for thousands of people at once: inbox rows in one INSERT, e-mails in batches.

A new tender can match 100,000 saved searches. Telling each person through ``notify()`` costs a
few queries, two template renders and an outbox row with its own task and SMTP connection per
person. Here the same rules run per batch:

- ``notify_many`` stores one notification per person (one key for all: the unique
  ``(recipient, key)`` makes a rerun, or a second search of the same person, store nothing
  more), with each person's language and e-mail preference as ``notify()`` plans them, and
  writes ONE outbox row for the batch's instant e-mails, in the caller's transaction;
- its handler ``notification_emails_deliver`` sends them over one SMTP connection (pipelined:
  ``marketplace.smtp_batches``). It locks the rows and marks each e-mailed in the same
  transaction as the outbox row's "delivered" mark, so a redelivered or swept batch sends
  nothing twice (the worker-kill drill's pattern).

Templates are rendered once per language with a placeholder for each per-person value, which
is then filled in per person (``_Prerendered``; the e-mails: ``_EmailSkeleton``). The result is
the same text ``notify()`` and ``notification_email_send`` write
(tests/matching/test_alert_delivery.py compares them).
"""

from __future__ import annotations

import datetime
import logging
import secrets
import smtplib
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.defaultfilters import linebreaks_filter
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape

from marketplace import smtp_batches
from marketplace.models import Frequency, Notification, NotificationKind, User
from marketplace.outbox import outbox_enqueue, outbox_handler
from marketplace.selectors.notifications import can_receive_email, frequencies_of
from marketplace.services.notifications import (
    _check_link,
    delivery_plan,
    email_context,
    email_message,
    notification_email_deliver,
    notification_link,
    render_text,
    subject_line,
    unsubscribe_link,
)

logger = logging.getLogger(__name__)

_EMAIL_TEXT = "marketplace/notifications/email_notification.txt"
_EMAIL_HTML = "marketplace/notifications/email_notification.html"


def _placeholder() -> str:
    """A word no title or name contains, unchanged by escaping and by the templates' filters."""
    return f"pmslot{secrets.token_hex(8)}"


class _Prerendered:
    """A plain-text template rendered once per language with placeholders for ``names``, then
    filled in per person (``render_text`` does not escape, so values go in as they are)."""

    def __init__(self, template_name: str, context: Mapping, names: Iterable[str]) -> None:
        self._template_name = template_name
        self._slots = {name: _placeholder() for name in names}
        self._context = {**context, **self._slots}
        self._by_language: dict[str, str] = {}

    def render(self, language: str, values: Mapping[str, str]) -> str:
        text = self._by_language.get(language)
        if text is None:
            with translation.override(language):
                text = render_text(self._template_name, self._context)
            self._by_language[language] = text
        for name, slot in self._slots.items():
            text = text.replace(slot, str(values[name]))
        return text


def notify_many(
    *,
    recipients: Iterable[tuple[User, Mapping[str, str]]],
    kind: str,
    key: str,
    template: str,
    context: Mapping | None = None,
    url: str = "",
) -> list[int]:
    """Tell each of ``recipients`` the same thing, as ``notify()`` would, in one go.

    ``recipients`` are ``(person, values)``: ``values`` are the person's own plain-text context
    values (the name of their saved search), the same names for everyone; ``context`` is what
    everyone shares. Call it inside a transaction. Returns the ids of the notifications stored
    now that are e-mailed at once (their one outbox row is written here).
    """
    people = sorted(recipients, key=lambda pair: pair[0].pk)  # one lock order: no deadlocks
    if not people:
        return []
    kind = NotificationKind(kind).value
    _check_link(url)
    names = list(people[0][1])
    context = dict(context or {})
    subjects = _Prerendered(f"{template}_subject.txt", context, names)
    bodies = _Prerendered(f"{template}_body.txt", context, names)
    frequencies = frequencies_of([person.pk for person, _values in people], kind)
    now = timezone.now()
    rows = []
    for person, values in people:
        language = person.language or settings.LANGUAGE_CODE
        rows.append(
            Notification(
                recipient=person,
                kind=kind,
                key=key,
                subject=subject_line(subjects.render(language, values)),
                body=bodies.render(language, values).strip(),
                url=url,
                delivery=delivery_plan(person, frequencies[person.pk]),
                created_at=now,
            )
        )
    # Everything but the person's values is the same in each row: checking one checks all.
    rows[0].full_clean(exclude=["recipient"], validate_unique=False, validate_constraints=False)
    # The unique (recipient, key) skips people who have it already (a rerun, another search).
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    instant = list(
        Notification.objects.filter(
            recipient_id__in=[person.pk for person, _values in people],
            key=key,
            created_at=now,  # stored by this call, not by an earlier one
            delivery=Frequency.INSTANT,
            emailed_at=None,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if instant:
        outbox_enqueue(
            handler=notification_emails_deliver,
            payload={"notification_ids": instant},
            key=f"notifications:emails:{instant[0]}",
        )
    return instant


# --- E-mail in batches ---------------------------------------------------------------------------


class _EmailSkeleton:
    """The notification e-mail of one language, time and link, rendered once with placeholders
    for the person's name, the notification's subject and text, and the unsubscribe address.

    Per person the placeholders are replaced by the values as the templates would have written
    them: as they are in the text part, escaped in the HTML part (the text also through
    ``linebreaks``, as the template does)."""

    def __init__(self, *, language: str, created_at: datetime.datetime, link: str) -> None:
        self.slots = {name: _placeholder() for name in ("name", "subject", "body", "unsubscribe")}
        stand_in = Notification(
            subject=self.slots["subject"], body=self.slots["body"], created_at=created_at
        )
        person = User(full_name=self.slots["name"], email="placeholder@example.invalid")
        context = email_context(
            recipient=person,
            unsubscribe_url=self.slots["unsubscribe"],
            context={"notification": stand_in, "link": link},
        )
        self.text = render_text(_EMAIL_TEXT, context)
        self.html = render_to_string(_EMAIL_HTML, context)
        self.language = language
        self._wires: dict[str, smtp_batches.WireTemplate] = {}

    def wire(self, message: EmailMultiAlternatives) -> bytes | None:
        """The message as SMTP carries it, from one MIME build per subject (None: build it)."""
        template = self._wires.get(message.subject)
        if template is None:
            template = self._wires[message.subject] = smtp_batches.WireTemplate(message)
        return template.fill(message)

    def fill(self, *, notification: Notification, unsubscribe_url: str) -> tuple[str, str]:
        values = {
            "name": notification.recipient.get_short_name(),
            "subject": notification.subject,
            "body": notification.body,
            "unsubscribe": unsubscribe_url,
        }
        text, html = self.text, self.html
        body_slot = self.slots["body"]
        html = html.replace(
            linebreaks_filter(body_slot, autoescape=True),
            linebreaks_filter(values["body"], autoescape=True),
        )
        for name, slot in self.slots.items():
            text = text.replace(slot, values[name])
            html = html.replace(slot, escape(values[name]))
        return text, html


def notification_emails(notifications: list[Notification]):
    """The e-mail of each notification (recipients loaded), as ``notification_email_send``
    writes it: one render per language, time and link, then filled in per person."""
    skeletons: dict[tuple, _EmailSkeleton] = {}
    links: dict[tuple, str] = {}
    messages = []
    for notification in notifications:
        recipient = notification.recipient
        language = recipient.language or settings.LANGUAGE_CODE
        with translation.override(language):
            place = (recipient.language, notification.url)
            if place not in links:  # translating a path resolves it: once per language and path
                links[place] = notification_link(notification, recipient)
            link = links[place]
            shape = (language, notification.created_at, link)
            skeleton = skeletons.get(shape)
            if skeleton is None:
                skeleton = skeletons[shape] = _EmailSkeleton(
                    language=language, created_at=notification.created_at, link=link
                )
            unsubscribe_url = unsubscribe_link(recipient=recipient, kinds=[notification.kind])
        text, html = skeleton.fill(notification=notification, unsubscribe_url=unsubscribe_url)
        message = email_message(
            recipient=recipient,
            subject=notification.subject,
            text=text,
            html=html,
            unsubscribe_url=unsubscribe_url,
        )
        message.wire_bytes = skeleton.wire(message)
        messages.append(message)
    return messages


@transaction.atomic
def notification_emails_send(*, notification_ids: list[int]) -> int:
    """E-mail these notifications over one connection, each at most once. Returns how many went.

    The rows are locked (rows another delivery holds are skipped: it sends them) and each is
    marked e-mailed in this transaction once the server took its message (``smtp_batches``:
    pipelined where the server allows). A message the server refuses gets an outbox row of its
    own (retried, then dead-lettered, as a single e-mail is). When the connection is lost after
    some went out, those stay marked and the rest become a new batch; when none went, the error
    rolls back and the outbox retries.
    """
    due = [
        notification
        for notification in Notification.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("recipient")
        .filter(pk__in=notification_ids, emailed_at=None)
        .order_by("pk")
        if can_receive_email(notification.recipient)
    ]
    if not due:
        return 0
    messages = notification_emails(due)
    settled: set[int] = set()
    sent: list[int] = []
    connection = get_connection()
    connection.open()  # cannot connect: raises, nothing was sent, the outbox retries
    try:
        for position, accepted in smtp_batches.deliver(connection, messages):
            notification = due[position]
            settled.add(position)
            if accepted:
                sent.append(notification.pk)
                continue
            logger.warning("e-mail of notification %s refused", notification.pk)
            outbox_enqueue(
                handler=notification_email_deliver,
                payload={"notification_id": notification.pk},
                key=f"notifications:email:{notification.pk}",
            )
    except (smtplib.SMTPException, OSError):
        if not settled:
            raise
        rest = [n.pk for position, n in enumerate(due) if position not in settled]
        logger.warning("SMTP connection lost; %s e-mails left to a new batch", len(rest))
        outbox_enqueue(handler=notification_emails_deliver, payload={"notification_ids": rest})
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            logger.debug("closing the SMTP connection failed", exc_info=True)
    Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())
    return len(sent)


@outbox_handler
def notification_emails_deliver(*, notification_ids: list[int]) -> None:
    """Outbox handler of ``notify_many``: e-mail the batch (each at most once: ``emailed_at``
    is set under a row lock, in the same transaction as the outbox row's "delivered" mark)."""
    notification_emails_send(notification_ids=notification_ids)
