"""What an imported notice says, whatever format it came in."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from stdnum.no import orgnr

# Doffin's own notice numbers (2023-610912); the site shows them at /notices/<number>.
DOFFIN_NUMBER = re.compile(r"^\d{4}-\d{6}$")
DOFFIN_NOTICE_URL = "https://doffin.no/notices/{number}"
CPV_CODE = re.compile(r"^(\d{8})(?:-\d)?$")


class MalformedNotice(ValueError):
    """A file (or one entry of it) cannot be read. ``position`` says where, for people."""

    def __init__(self, position: str, reason: str):
        super().__init__(f"{position}: {reason}")
        self.position = position
        self.reason = reason


@dataclass(frozen=True)
class NoticeLot:
    number: int
    title: str
    description: str = ""
    cpv_codes: tuple[str, ...] = ()
    estimated_value: Decimal | None = None
    estimated_value_currency: str = "NOK"  # ISO 4217


@dataclass(frozen=True)
class DoffinNotice:
    """One notice, source-neutral. Datetimes are aware; text is plain (not HTML)."""

    external_id: str  # the notice identity at the source (what re-imports match on)
    reference: str  # our reference, "DOFFIN-..."
    notice_type: str  # eForms notice type ("cn-standard", "can-social", "pin-buyer") or "F02"
    kind: str  # "planning", "competition" or "result"
    title: str
    published_at: datetime.datetime
    buyer_name: str
    buyer_org_number: str = ""
    external_url: str = ""
    description: str = ""
    cpv_codes: tuple[str, ...] = ()  # main first, as the source gave them (valid 8-digit codes)
    procedure: str = ""  # one of tenders.models.Procedure, or "" when it has no equivalent
    contract_type: str = ""  # goods/services/works, "" when unknown
    estimated_value: Decimal | None = None
    estimated_value_currency: str = "NOK"  # ISO 4217, as the notice gave the value
    question_deadline: datetime.datetime | None = None
    submission_deadline: datetime.datetime | None = None
    lots: tuple[NoticeLot, ...] = field(default=())


def clean_cpv(value: object) -> str | None:
    """ "72000000" or "72000000-5" → "72000000"; anything else → None."""
    match = CPV_CODE.match(str(value).strip()) if value is not None else None
    return match.group(1) if match else None


def unique(codes) -> tuple[str, ...]:
    return tuple(dict.fromkeys(code for code in codes if code))


def clean_org_number(value: object) -> str:
    """The first valid 9-digit organisation number in ``value`` ("971 277 882", 971277882,
    "944496394, 964965692"), or "" when there is none."""
    if value is None:
        return ""
    for part in str(value).split(","):
        number = orgnr.compact(part)
        if orgnr.is_valid(number):
            return number
    return ""


def contract_type_for_cpv(code: str | None) -> str:
    """CPV divisions 45 are works, 01–44 and 48 goods, the rest services (the CPV's own rule)."""
    if not code:
        return ""
    division = int(code[:2])
    if division == 45:
        return "works"
    if division <= 44 or division == 48:
        return "goods"
    return "services"
