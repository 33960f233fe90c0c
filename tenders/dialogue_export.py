"""The whole market dialogue on a need as a record of equal treatment: CSV and printable HTML.

One list of events, in time order, from the need's own timestamps, its invitations and its
responses. Times are written in Europe/Oslo with the offset (ISO 8601), so the record is
unambiguous when it is archived.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.formatting import to_oslo
from marketplace.services.audit import audit_record
from tenders.models import Need
from tenders.selectors.needs import invitations_of, responses_for_buyer

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class DialogueEvent:
    at: datetime
    event: str
    supplier: str = ""
    org_number: str = ""
    kind: str = ""
    text: str = ""


def dialogue_events(need: Need) -> list[DialogueEvent]:
    events: list[DialogueEvent] = []
    if need.published_at:
        events.append(DialogueEvent(need.published_at, _("Need published for dialogue")))
    for invitation in invitations_of(need):
        events.append(
            DialogueEvent(
                invitation.created_at,
                _("Supplier invited"),
                invitation.supplier.name,
                invitation.supplier.org_number,
                "",
                invitation.message,
            )
        )
    for response in responses_for_buyer(need):
        events.append(
            DialogueEvent(
                response.created_at,
                _("Response received"),
                response.supplier.name,
                response.supplier.org_number,
                response.get_kind_display(),
                response.sketch,
            )
        )
        if response.updated_at and (response.updated_at - response.created_at).total_seconds() > 1:
            events.append(
                DialogueEvent(
                    response.updated_at,
                    _("Response last changed"),
                    response.supplier.name,
                    response.supplier.org_number,
                    response.get_kind_display(),
                )
            )
    if need.closed_at:
        events.append(DialogueEvent(need.closed_at, _("Dialogue closed")))
    if need.tendered_at:
        events.append(DialogueEvent(need.tendered_at, _("Turned into a tender")))
    return sorted(events, key=lambda item: item.at)


def _cell(value: str) -> str:
    value = str(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def dialogue_csv(need: Need) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Time (Europe/Oslo)"),
            _("Event"),
            _("Supplier"),
            _("Organisation number"),
            _("Kind"),
            _("Text"),
        ]
    )
    for item in dialogue_events(need):
        writer.writerow(
            [
                to_oslo(item.at).isoformat(timespec="seconds"),
                _cell(item.event),
                _cell(item.supplier),
                _cell(item.org_number),
                _cell(item.kind),
                _cell(item.text),
            ]
        )
    return buffer.getvalue()


@transaction.atomic
def dialogue_export_record(*, need: Need, by, fmt: str) -> None:
    """Note in the buyer's history that the dialogue record was exported."""
    audit_record(actor=by, action="need.dialogue_exported", obj=need, after={"format": fmt})
