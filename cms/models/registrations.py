"""Registrations for events: a person's seat, shared by the event page's translations.

A registration is keyed to the event page's ``translation_key`` (not a foreign key to one page),
so the Bokmål and the English page fill the same seats. Registrations hold personal data (name,
e-mail) and are anonymised ``REGISTRATION_RETENTION_DAYS`` after the event
(``cms.services.event_retention``). The event pages are ``cms.models.events``; this module sits
below them, so the registration service (``cms.services.events``) can write here while the
event page calls that service.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

# How long after an event its registrations keep the names and e-mail addresses.
REGISTRATION_RETENTION_DAYS = 30


class EventRegistrationQuerySet(models.QuerySet):
    def for_event(self, event: Page):
        return self.filter(event_key=event.translation_key)


class EventRegistration(models.Model):
    """A person's seat at an event, shared by the event page's translations."""

    event_key = models.UUIDField(
        _("event"), db_index=True, help_text=_("The event page's translation key.")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = EventRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "email"],
                condition=Q(anonymised_at__isnull=True),
                name="event_registration_once_per_email",
            )
        ]

    def __str__(self) -> str:
        if self.anonymised_at:
            return str(_("Anonymised registration"))
        return f"{self.name} <{self.email}>"

    @property
    def event(self) -> Page | None:
        """The event page in the default language (any translation if it has none)."""
        pages = Page.objects.filter(translation_key=self.event_key).specific()
        return pages.filter(locale__language_code=settings.LANGUAGE_CODE).first() or pages.first()
