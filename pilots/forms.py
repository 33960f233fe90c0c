"""Forms of the pilot pages. They only read input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pilots.models import Kpi, Pilot
from tenders.models import Tender


class DateInput(forms.DateInput):
    input_type = "date"


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    budget_owner = forms.CharField(
        label=_("Budget owner"),
        max_length=200,
        help_text=_("The person or role who owns the pilot's budget, e.g. “Head of Roads”."),
    )
    budget = forms.DecimalField(
        label=_("Budget (NOK, excl. VAT)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=DateInput)
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=DateInput)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The pilot must end after it starts."))
        return data

    @classmethod
    def initial_for(cls, pilot: Pilot) -> dict:
        return {name: getattr(pilot, name) for name in cls.base_fields}


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class KpiForm(forms.Form):
    name = forms.CharField(label=_("KPI"), max_length=200)
    unit = forms.CharField(label=_("Unit of measure"), max_length=40, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=Kpi.Direction.choices)
    baseline = forms.DecimalField(
        label=_("Baseline"), max_digits=16, decimal_places=4, required=False
    )
    target = forms.DecimalField(label=_("Target"), max_digits=16, decimal_places=4)


class MeasureForm(forms.Form):
    value = forms.DecimalField(label=_("Measured value"), max_digits=16, decimal_places=4)
    measured_on = forms.DateField(label=_("Measured on"), required=False, widget=DateInput)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Pilot.Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    follow_on_tender = forms.ModelChoiceField(
        label=_("Full purchase (follow-on tender)"),
        queryset=None,
        required=False,
        help_text=_("Only when the pilot is scaled up."),
    )
    contract_value = forms.DecimalField(
        label=_("Value of the full purchase (NOK, excl. VAT)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Only when the pilot is scaled up."),
    )

    def __init__(self, *args, pilot: Pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_on_tender"].queryset = (
            Tender.objects.filter(buyer=pilot.buyer)
            .exclude(pk=pilot.tender_id)
            .order_by("-created_at")
        )
        self.fields["follow_on_tender"].label_from_instance = lambda tender: (
            f"{tender.reference} – {tender.title}"
        )


class CreateForm(PlanForm):
    pass
