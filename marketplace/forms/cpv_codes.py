"""A form field for CPV codes typed as text: ``72000000, 48000000-8`` (or ``?cpv=…&cpv=…``).

Used by the directory's filters and the API; the CPV picker widget can enhance its text box.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.models import CpvCode

MAX_CPV_CODES = 20
_CPV_TOKEN = re.compile(r"^(\d{8})(?:-\d)?$")


class CpvCodesInput(forms.TextInput):
    """A text box of CPV codes that also reads repeated parameters (``?cpv=…&cpv=…``)."""

    def value_from_datadict(self, data, files, name):
        getlist = getattr(data, "getlist", None)
        values = getlist(name) if getlist else [data.get(name, "")]
        return ", ".join(value for value in values if value)


class CpvCodesField(forms.CharField):
    """CPV codes separated by commas or spaces (``72000000`` or ``72000000-8``); each must exist."""

    widget = CpvCodesInput

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        tokens = [token for token in re.split(r"[\s,;]+", text) if token]
        codes: list[str] = []
        for token in tokens:
            match = _CPV_TOKEN.match(token)
            if match is None:
                raise ValidationError(
                    _("“%(value)s” is not a CPV code. Write eight digits, e.g. 72000000."),
                    code="invalid_cpv",
                    params={"value": token[:20]},
                )
            if match.group(1) not in codes:
                codes.append(match.group(1))
        if len(codes) > MAX_CPV_CODES:
            raise ValidationError(
                _("Choose at most %(limit)s CPV codes."),
                code="too_many_cpv",
                params={"limit": MAX_CPV_CODES},
            )
        return codes

    def validate(self, value: list[str]) -> None:
        if not value:
            return
        known = set(CpvCode.objects.filter(code__in=value).values_list("code", flat=True))
        unknown = [code for code in value if code not in known]
        if unknown:
            raise ValidationError(
                ngettext(
                    "Unknown CPV code: %(codes)s.",
                    "Unknown CPV codes: %(codes)s.",
                    len(unknown),
                ),
                code="unknown_cpv",
                params={"codes": ", ".join(unknown)},
            )
