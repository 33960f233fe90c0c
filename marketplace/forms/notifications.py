"""The notification preferences form: one choice of e-mail frequency per kind."""

from __future__ import annotations

from django import forms

from marketplace.models import Frequency, NotificationKind


class NotificationPreferencesForm(forms.Form):
    """One radio group per ``NotificationKind``, named after the kind's value."""

    def __init__(self, *args, initial_frequencies: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Frequency.choices,
                initial=initial_frequencies.get(kind.value, Frequency.INSTANT),
                widget=forms.RadioSelect(attrs={"class": "ds-input"}),
            )

    def frequencies(self) -> dict[str, str]:
        return {kind.value: self.cleaned_data[kind.value] for kind in NotificationKind}
