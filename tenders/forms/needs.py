"""Forms for needs and test arenas (buyer side)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.models import CpvCode, Municipality, OrganisationUnit
from marketplace.widgets import CpvPickerWidget
from tenders.models import Need, TestArena, Theme
from tenders.selectors.needs import arenas_for_need_form


class OsloDateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker; the value is Oslo local time (TIME_ZONE)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class NeedForm(forms.ModelForm):
    unit = forms.ModelChoiceField(label=_("Service area"), queryset=OrganisationUnit.objects.none())
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities affected"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
    )
    cpv_codes = forms.ModelMultipleChoiceField(
        label=_("CPV codes"),
        queryset=CpvCode.objects.all(),
        required=False,
        widget=CpvPickerWidget(),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    dialogue_deadline = forms.DateTimeField(
        label=_("Dialogue closes"),
        required=False,
        widget=OsloDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Norwegian time (Europe/Oslo)."),
    )

    class Meta:
        model = Need
        fields = [
            "title",
            "unit",
            "problem",
            "desired_outcomes",
            "municipalities",
            "cpv_codes",
            "themes",
            "budget_min",
            "budget_max",
            "timeline",
            "is_pilot_opportunity",
            "test_arena",
            "test_arena_offer",
            "dialogue_deadline",
        ]
        # "Title" alone is a person's job title in the Bokmål catalogue.
        labels = {"title": pgettext_lazy("tender", "Title")}
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 6}),
            "desired_outcomes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, units, buyer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        buyer = buyer or (self.instance.buyer if self.instance.pk else None)
        if buyer is not None:
            self.fields["test_arena"].queryset = arenas_for_need_form(buyer)
        if self.instance.pk and self.instance.status != Need.Status.DRAFT:
            self.fields["unit"].disabled = True

    def clean(self):
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", _("The upper budget must not be below the lower."))
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("unit", None)
        return data


class TestArenaForm(forms.ModelForm):
    __test__ = False

    unit = forms.ModelChoiceField(
        label=_("Service area"),
        queryset=OrganisationUnit.objects.none(),
        required=False,
        help_text=_("Leave empty for an arena of the whole organisation."),
    )

    class Meta:
        model = TestArena
        fields = [
            "unit",
            "kind",
            "name",
            "name_en",
            "description",
            "description_en",
            "suits",
            "location",
            "municipality",
            "availability",
            "contact_name",
            "contact_email",
            "is_published",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
            "suits": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["municipality"].queryset = Municipality.objects.order_by("name")
        if self.instance.pk:
            self.fields["unit"].disabled = True

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("unit", None)
        return data
