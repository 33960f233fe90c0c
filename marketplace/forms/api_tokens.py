"""The form for a new personal API token: a name, its scopes and how long it lasts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.models import TokenScope

LIFETIMES = [(30, _("30 days")), (90, _("90 days")), (365, _("One year"))]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the script that uses it."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What the token may do"),
        choices=TokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[TokenScope.READ],
    )
    days = forms.TypedChoiceField(label=_("Valid for"), choices=LIFETIMES, coerce=int, initial=90)
