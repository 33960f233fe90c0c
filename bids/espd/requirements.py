"""What the buyer requires on a selection criterion: the threshold the taxonomy leaves open.

A selection criterion of the ESPD-EDM taxonomy carries the contracting authority's requirement
group (``…/RG1``): properties of type REQUIREMENT, such as the minimum yearly turnover
(``MINIMUM_AMOUNT``), the minimum number of references (``MINIMUM_QUANTITY_INTEGER``) or a
requirement in words (``DESCRIPTION``). The taxonomy fills them with example values. The buyer
states its own in the ESPD request (``EspdRequest.requirements``, by property id); they are shown
to the supplier next to the questions and written into the criterion's requirement group in the
ESPD XML (``bids.espd.xml.with_requirements``), amounts in NOK.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from bids.espd.names import question_text
from bids.espd.taxonomy import Group, Property, groups
from bids.espd.xml import CURRENCY
from bids.models import EspdCriterion

# The requirement types a buyer states here, and what kind of value each takes.
STATED = {
    "MINIMUM_AMOUNT": "amount",
    "MINIMUM_QUANTITY_INTEGER": "integer",
    "MINIMUM_QUANTITY_YEAR": "integer",
    "QUANTITY_YEAR": "integer",
    "MINIMUM_QUANTITY": "number",
    "DESCRIPTION": "text",
}
MAX_TEXT = 1000


class InvalidRequirement(ValueError):
    """A requirement's value is malformed; ``property_id`` says which."""

    def __init__(self, property_id: str, message: str):
        super().__init__(message)
        self.property_id = property_id


def _requirements(tree: list[Group]):
    for group in tree:
        for prop in group.properties:
            if prop.type == "REQUIREMENT" and prop.value_type in STATED:
                yield prop
        yield from _requirements(group.groups)


def stateable(criterion) -> list[Property]:
    """The requirements the buyer may state on ``criterion`` (an ``EspdCriterion``): only on
    selection criteria."""
    if criterion.kind != EspdCriterion.Kind.SELECTION:
        return []
    return list(_requirements(groups(criterion.xml)))


def clean_value(prop: Property, text: str) -> str:
    text = " ".join(str(text or "").split())
    if not text:
        return ""
    kind = STATED[prop.value_type]
    if kind == "text":
        if len(text) > MAX_TEXT:
            raise InvalidRequirement(
                prop.id,
                _("Keep the requirement within %(count)s characters.") % {"count": MAX_TEXT},
            )
        return text
    try:
        number = Decimal(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        raise InvalidRequirement(prop.id, _("Give a number.")) from None
    if not number.is_finite() or number < 0:
        raise InvalidRequirement(prop.id, _("Give a number that is not negative."))
    if kind == "integer":
        if number != number.to_integral_value():
            raise InvalidRequirement(prop.id, _("Give a whole number."))
        return str(int(number))
    return format(number.normalize(), "f")


def clean(criteria, values: dict[str, str]) -> dict[str, str]:
    """The stated requirements of the chosen ``criteria``, cleaned; others are dropped."""
    cleaned: dict[str, str] = {}
    for criterion in criteria:
        for prop in stateable(criterion):
            value = clean_value(prop, values.get(prop.id, ""))
            if value:
                cleaned[prop.id] = value
    return cleaned


@dataclass(frozen=True)
class Stated:
    """A requirement as the supplier reads it next to the questions."""

    description: str
    value: str
    kind: str  # amount, integer, number, text

    @property
    def currency(self) -> str:
        return CURRENCY if self.kind == "amount" else ""


def stated(criterion, requirements: dict[str, str]) -> list[Stated]:
    return [
        Stated(question_text(prop.description), requirements[prop.id], STATED[prop.value_type])
        for prop in stateable(criterion)
        if requirements.get(prop.id)
    ]
