"""Keeping event registrations no longer than needed: personal data blanked after the event.

Run daily by ``manage.py anonymise_event_registrations``. It reads the event pages (when each
event ended), so it sits above ``cms.models.events``, unlike the registration service.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models.events import EventPage
from cms.models.registrations import REGISTRATION_RETENTION_DAYS, EventRegistration
from marketplace.errors import DomainError


@transaction.atomic
def event_registrations_anonymise(
    *, days: int = REGISTRATION_RETENTION_DAYS, now: datetime.datetime | None = None
) -> int:
    """Blank the personal data of registrations for events that ended ``days`` ago or more.

    Registrations whose event page no longer exists are anonymised too. The rows stay (without
    name, e-mail or organisation) so attendance can still be counted. Returns how many changed.
    """
    if days < 0:
        raise DomainError(_("The number of days cannot be negative."), code="invalid_days")
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    # An event is over when every translation has ended (they should end together).
    all_keys = set(EventPage.objects.values_list("translation_key", flat=True))
    running_keys = set(
        EventPage.objects.filter(end__gte=cutoff).values_list("translation_key", flat=True)
    )
    pending = EventRegistration.objects.filter(anonymised_at__isnull=True)
    expired = pending.filter(event_key__in=all_keys - running_keys)
    orphans = pending.exclude(event_key__in=all_keys)
    changed = 0
    for queryset in (expired, orphans):
        changed += queryset.update(name="", email="", organisation="", anonymised_at=now)
    return changed
