"""iCalendar (RFC 5545) for an event: one VEVENT, times in UTC, written by ``icalendar``.

The library escapes TEXT values and folds long lines (by octets, never inside a UTF-8 sequence);
this module only decides what the event says.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from icalendar import Calendar, Event

from marketplace.site_url import site_host

PRODID = "-//Akershus fylkeskommune//Pilotmarked//NB"


def _utc(value: datetime.datetime) -> datetime.datetime:
    """UTC times are written in RFC 5545's form #2 (``20261001T080000Z``), with no TZID."""
    return value.astimezone(datetime.UTC)


def _host(request) -> str:
    if request is not None:
        return request.get_host().split(":")[0]
    return site_host()


def event_calendar(event, *, request=None, now: datetime.datetime | None = None) -> str:
    """The calendar file for ``event`` (an EventPage).

    The UID is built from the page's translation key, so the Bokmål and the English file describe
    the same event and a calendar that imports both keeps one.
    """
    url = event.get_full_url(request) or ""
    stamp = event.last_published_at or now or timezone.now()
    description = event.lead
    if event.digital_link:
        description += "\n\n" + event.digital_link
    if url:
        description += "\n\n" + url
    location = event.place or event.digital_link

    vevent = Event()
    vevent.add("uid", f"event-{event.translation_key}@{_host(request)}")
    vevent.add("dtstamp", _utc(stamp))
    vevent.add("dtstart", _utc(event.start))
    vevent.add("dtend", _utc(event.end))
    vevent.add("summary", event.title)
    vevent.add("description", description)
    if location:
        vevent.add("location", location)
    if url:
        vevent.add("url", url)

    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(vevent)
    return calendar.to_ical().decode("utf-8")
