"""Forms of matching: a saved search, an invitation from a match list, looking for partners."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.models import County, CpvCode, Municipality

_CODE = re.compile(r"\d{8}")


class SavedSearchForm(forms.Form):
    name = forms.CharField(label=_("Name of the search"), max_length=120)
    text = forms.CharField(
        label=_("Words"),
        max_length=200,
        required=False,
        help_text=_("Every word must appear in the title or description."),
    )
    use_profile = forms.BooleanField(
        label=_("Use our profile's CPV codes and delivery areas"), required=False
    )
    cpv_codes = forms.CharField(
        label=_("CPV codes"),
        required=False,
        help_text=_(
            "Eight digits each, separated by spaces, e.g. 72000000. Codes below match too."
        ),
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    counties = forms.ModelMultipleChoiceField(
        label=_("Counties"),
        queryset=County.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    value_min = forms.DecimalField(
        label=_("Lowest value (NOK)"), required=False, min_value=0, decimal_places=0
    )
    value_max = forms.DecimalField(
        label=_("Highest value (NOK)"), required=False, min_value=0, decimal_places=0
    )
    smb_lots_only = forms.BooleanField(label=_("Only with lots suitable for SMBs"), required=False)
    pilots_only = forms.BooleanField(label=_("Only pilots"), required=False)

    def clean_cpv_codes(self):
        raw = self.cleaned_data["cpv_codes"]
        codes = [match.group(0) for match in _CODE.finditer(raw.replace("-", " "))]
        if raw.strip() and not codes:
            raise forms.ValidationError(_("Write CPV codes as eight digits."))
        found = list(CpvCode.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {code.code for code in found})
        if missing:
            raise forms.ValidationError(
                _("Unknown CPV code: %(codes)s") % {"codes": ", ".join(missing)}
            )
        return found


class InviteForm(forms.Form):
    supplier = forms.IntegerField(widget=forms.HiddenInput)


class PartnerForm(forms.Form):
    looking = forms.BooleanField(required=False, label=_("We are looking for partners on this lot"))
    note = forms.CharField(
        label=_("What you bring and what you look for"), max_length=500, required=False
    )
