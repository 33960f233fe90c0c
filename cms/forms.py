"""The success story index's filters: theme, service area and outcome, all read from the data."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from marketplace.models import OrganisationUnit
from pilots.models import Pilot
from tenders.models import Theme


class StoryFilterForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All themes"),
    )
    area = forms.ModelChoiceField(
        label=_("Service area"),
        queryset=OrganisationUnit.objects.none(),
        required=False,
        empty_label=_("All service areas"),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome of the pilot"),
        choices=[("", _("All outcomes")), *Pilot.Outcome.choices],
        required=False,
    )

    def __init__(self, *args, stories: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        tender_ids = stories.values("tender_id")
        self.fields["theme"].queryset = Theme.objects.filter(tenders__in=tender_ids).distinct()
        self.fields["area"].queryset = (
            OrganisationUnit.objects.filter(tenders__in=tender_ids)
            .select_related("organisation")
            .distinct()
        )

    def filter(self, stories: QuerySet) -> QuerySet:
        data = self.cleaned_data
        if data.get("theme"):
            stories = stories.filter(tender__themes=data["theme"])
        if data.get("area"):
            stories = stories.filter(tender__unit=data["area"])
        if data.get("outcome"):
            # The outcome is the linked pilot's, read from the data, never typed on the story.
            stories = stories.filter(pilot__outcome=data["outcome"])
        return stories.distinct()
