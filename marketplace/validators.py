"""Field validators shared across apps."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.no import orgnr


def clean_org_number(value: str) -> str:
    """Return the compact 9-digit organisation number or raise a ValidationError saying why."""
    raw = (value or "").strip()
    try:
        return orgnr.validate(raw)
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
