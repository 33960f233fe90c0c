"""Answers to an ESPD request: which questions must be answered, and what an answer may be.

Answers are a flat ``{property id: text}`` for the questions of every criterion of the request
(property ids are unique across the taxonomy: ``C1_EG_crime-org/QG1/Q1``). A subgroup coded
``ONTRUE`` (``ONFALSE``) is asked only when an indicator of its parent group is answered yes
(no), as the ESPD business rules BR-TCR-06/07 say; ``ON*`` groups are always asked. Every
question asked must be answered, except dates in an ``ON*`` group (the rules leave them
optional: "the date the economic operator was set up", …).

Values are kept as text: indicators ``true``/``false``, dates ``YYYY-MM-DD``, periods
``YYYY-MM-DD/YYYY-MM-DD``, amounts and numbers with a dot, countries ISO 3166 alpha-3.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from bids.espd.taxonomy import Group, Property

AMOUNT_TYPES = frozenset({"AMOUNT", "MINIMUM_AMOUNT", "MAXIMUM_AMOUNT"})
NUMBER_TYPES = frozenset(
    {"PERCENTAGE", "QUANTITY", "QUANTITY_INTEGER", "QUANTITY_YEAR", "MAXIMUM_VALUE_NUMERIC"}
)
INTEGER_TYPES = frozenset({"QUANTITY_INTEGER", "QUANTITY_YEAR"})
COUNTRY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Asked:
    """A question that is asked, with the group it sits in and how deep."""

    property: Property
    group: Group
    depth: int

    @property
    def required(self) -> bool:
        return not (self.group.type == "ON*" and self.property.value_type == "DATE")


def _indicator(group: Group, answers: dict[str, str]) -> str | None:
    for prop in group.questions:
        if prop.value_type == "INDICATOR" and answers.get(prop.id) in ("true", "false"):
            return answers[prop.id]
    return None


def _is_asked(group: Group, parent: Group | None, answers: dict[str, str]) -> bool:
    if group.type == "ONTRUE":
        return parent is not None and _indicator(parent, answers) == "true"
    if group.type == "ONFALSE":
        return parent is not None and _indicator(parent, answers) == "false"
    return True


def asked(groups: list[Group], answers: dict[str, str]) -> Iterator[Asked]:
    """The questions asked given the answers so far, in document order."""

    def walk(group: Group, parent: Group | None, depth: int) -> Iterator[Asked]:
        if not _is_asked(group, parent, answers):
            return
        for prop in group.questions:
            yield Asked(prop, group, depth)
        for child in group.groups:
            yield from walk(child, group, depth + 1)

    for group in groups:
        yield from walk(group, None, 0)


def every_question(groups: list[Group]) -> Iterator[Asked]:
    """Every question of the criterion, asked or not (for forms: conditional parts included)."""

    def walk(group: Group, depth: int) -> Iterator[Asked]:
        for prop in group.questions:
            yield Asked(prop, group, depth)
        for child in group.groups:
            yield from walk(child, depth + 1)

    for group in groups:
        yield from walk(group, 0)


def kept(groups: list[Group], answers: dict[str, str]) -> dict[str, str]:
    """Only the answers to questions asked (an answer under a "yes" goes when it turns "no")."""
    ids = {item.property.id for item in asked(groups, answers)}
    return {key: value for key, value in answers.items() if key in ids and value != ""}


def missing(groups: list[Group], answers: dict[str, str]) -> list[Property]:
    return [
        item.property
        for item in asked(groups, answers)
        if item.required and not answers.get(item.property.id, "").strip()
    ]


# --- Values ---------------------------------------------------------------------------------------


class InvalidAnswer(ValueError):
    pass


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise InvalidAnswer(_("Give a date as YYYY-MM-DD.")) from None


def clean_value(value_type: str, text: str) -> str:
    """The answer in its stored form, or :class:`InvalidAnswer` saying what is expected."""
    text = (text or "").strip()
    if not text:
        return ""
    if value_type == "INDICATOR":
        if text.lower() not in ("true", "false"):
            raise InvalidAnswer(_("Answer yes or no."))
        return text.lower()
    if value_type == "DATE":
        return _date(text).isoformat()
    if value_type == "PERIOD":
        start, _sep, end = text.partition("/")
        first, last = _date(start.strip()), _date(end.strip())
        if last < first:
            raise InvalidAnswer(_("The period ends before it starts."))
        return f"{first.isoformat()}/{last.isoformat()}"
    if value_type in AMOUNT_TYPES or value_type in NUMBER_TYPES:
        try:
            number = Decimal(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
        except InvalidOperation:
            raise InvalidAnswer(_("Give a number.")) from None
        if not number.is_finite() or number < 0:
            raise InvalidAnswer(_("Give a number of zero or more."))
        if value_type in INTEGER_TYPES and number != number.to_integral_value():
            raise InvalidAnswer(_("Give a whole number."))
        return str(number)
    if value_type == "CODE_COUNTRY":
        if not COUNTRY.match(text.upper()):
            raise InvalidAnswer(_("Give the country as a three-letter code, such as NOR."))
        return text.upper()
    return text[:4000]
