"""Field validators shared across apps."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.no import orgnr


def compact_org_number(value: str) -> str:
    """The number without separators and without the VAT form's "NO" and "MVA"; checks nothing.

    "974 760 673", "974-760-673", "974.760.673" and "NO 974 760 673 MVA" (the VAT number on
    letterheads and invoices) all name organisation 974760673, so they must compare equal: a
    registration typed one way finds the organisation registered another way.
    """
    number = orgnr.compact(value or "")  # spaces out; Unicode digits and dashes made plain
    number = number.replace("-", "").replace(".", "").upper()
    number = number.removeprefix("NO")
    return number.removesuffix("MVA")


def clean_org_number(value: str) -> str:
    """Return the compact 9-digit organisation number or raise a ValidationError saying why."""
    try:
        return orgnr.validate(compact_org_number(value))
    except InvalidLength as exc:
        raise ValidationError(
            _("An organisation number has exactly 9 digits."), code="org_number_length"
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The organisation number's check digit is wrong. Check for a typing error."),
            code="org_number_checksum",
        ) from exc
    except InvalidFormat as exc:
        raise ValidationError(
            _("An organisation number may only contain digits."), code="org_number_format"
        ) from exc


def validate_org_number(value: str) -> None:
    clean_org_number(value)


def format_org_number(value: str) -> str:
    """'974760673' -> '974 760 673'."""
    return orgnr.format(value) if value else ""
