"""The lot-design aid's forms: the officer's limits (a GET form) and the § 19-4 justification."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.lot_design.design import MOST_LOTS_LIMIT
from matching.lot_design.justification import still_has_placeholder
from tenders.models import Tender

JUSTIFICATION_LENGTH = Tender._meta.get_field("no_lots_justification").max_length


class LimitsForm(forms.Form):
    most_lots = forms.IntegerField(
        label=_("Most lots you would accept"),
        min_value=2,
        max_value=MOST_LOTS_LIMIT,
        required=False,
        help_text=_("Splits with more lots than this are not suggested."),
        error_messages={
            "min_value": _("Give at least %(limit_value)s lots."),
            "max_value": _("Give at most %(limit_value)s lots."),
            "invalid": _("Give a whole number of lots."),
        },
    )
    max_per_bidder = forms.IntegerField(
        label=_("Most lots one bidder may win"),
        min_value=1,
        max_value=MOST_LOTS_LIMIT,
        required=False,
        help_text=_("Try a limit to see how many different firms would win at least."),
        error_messages={
            "min_value": _("Give at least %(limit_value)s lot."),
            "max_value": _("Give at most %(limit_value)s lots."),
            "invalid": _("Give a whole number of lots."),
        },
    )


class JustificationForm(forms.Form):
    justification = forms.CharField(
        label=_("Why the purchase is not divided into lots (FOA § 19-4)"),
        max_length=JUSTIFICATION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Prefilled from the figures above; edit it before you save."),
        error_messages={"required": _("Write why the purchase is not divided into lots.")},
    )

    def clean_justification(self) -> str:
        text = self.cleaned_data["justification"].strip()
        if still_has_placeholder(text):
            raise forms.ValidationError(
                _("Replace the line in square brackets with your own reason."),
                code="placeholder_left",
            )
        return text
