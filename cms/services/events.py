"""Event registration: seats shared by an event's translations, never overbooked.

Two people registering for the last seat at the same moment: on PostgreSQL the event's page
rows (every translation) are locked with ``SELECT … FOR UPDATE`` before the seats are counted,
so the second waits for the first to commit and then finds the event full. SQLite lets one
writer in at a time. A second registration with the same e-mail address is refused, by the
check here and by a unique constraint underneath it. (Blanking the personal data after the
event is ``cms.services.event_retention``.)
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms.models.registrations import EventRegistration
from marketplace.errors import DomainError


class EventFull(DomainError):
    code = "event_full"


class RegistrationClosed(DomainError):
    code = "registration_closed"


class AlreadyRegistered(DomainError):
    code = "already_registered"


@transaction.atomic
def event_register(
    *, event: Page, name: str, email: str, organisation: str = ""
) -> EventRegistration:
    """Take a seat at ``event`` for ``email``, or refuse with a domain error."""
    # Lock every translation of the event: they share the seats.
    list(
        type(event)
        .objects.select_for_update()
        .filter(translation_key=event.translation_key)
        .values_list("pk", flat=True)
    )
    state = event.registration_state()
    if state in ("not_offered", "closed"):
        raise RegistrationClosed(_("Registration for this event is closed."))
    email = email.strip().lower()
    if (
        EventRegistration.objects.for_event(event)
        .filter(email=email, anonymised_at__isnull=True)
        .exists()
    ):
        raise AlreadyRegistered(
            _("This e-mail address is already registered for the event."), field="email"
        )
    if state == "full":
        raise EventFull(_("The event is full."))
    registration = EventRegistration(
        event_key=event.translation_key,
        name=name.strip(),
        email=email,
        organisation=organisation.strip(),
    )
    registration.full_clean()
    try:
        with transaction.atomic():
            registration.save(force_insert=True)
    except IntegrityError as error:  # a twin request got in first
        raise AlreadyRegistered(
            _("This e-mail address is already registered for the event."), field="email"
        ) from error
    language = translation.get_language()
    transaction.on_commit(
        lambda: _send_confirmation(registration_pk=registration.pk, event=event, language=language)
    )
    return registration


def _send_confirmation(*, registration_pk: int, event: Page, language: str | None) -> None:
    registration = EventRegistration.objects.get(pk=registration_pk)
    with translation.override(language):
        context = {
            "registration": registration,
            "event": event,
            "event_url": event.get_full_url(),
            "ics_url": (event.get_full_url() or "") + event.reverse_subpage("ics").rstrip("/"),
        }
        subject = render_to_string("cms/email/event_registration_subject.txt", context)
        body = render_to_string("cms/email/event_registration_body.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [registration.email])
