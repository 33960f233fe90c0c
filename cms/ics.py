"""iCalendar (RFC 5545) for an event: one VEVENT, times in UTC, text escaped and folded."""

from __future__ import annotations

import datetime

from django.utils import timezone

from marketplace.site_url import site_host

PRODID = "-//Akershus fylkeskommune//Pilotmarked//NB"


def ics_datetime(value: datetime.datetime) -> str:
    """``20261001T080000Z``: the UTC form (RFC 5545 §3.3.5, form #2)."""
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    """TEXT values (§3.3.11): backslash, semicolon and comma escaped; newlines as ``\\n``."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets go on continuation lines starting with a space (§3.1).

    Splits between characters, never inside a multi-byte UTF-8 sequence.
    """
    out: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


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
    properties = [
        ("UID", f"event-{event.translation_key}@{_host(request)}"),
        ("DTSTAMP", ics_datetime(stamp)),
        ("DTSTART", ics_datetime(event.start)),
        ("DTEND", ics_datetime(event.end)),
        ("SUMMARY", escape_text(event.title)),
        ("DESCRIPTION", escape_text(description)),
    ]
    if location:
        properties.append(("LOCATION", escape_text(location)))
    if url:
        properties.append(("URL", url))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        *(fold(f"{name}:{value}") for name, value in properties),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"
