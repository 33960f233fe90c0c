"""The pilot chooser in the Wagtail editor: a modal listing pilots, searchable by the pilot's
title, the supplier's name and the tender's reference. It only chooses: pilots are created and
changed through the pilot pages (``pilots.services``), never in the CMS."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from pilots.models import Pilot


class PilotFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Pilot, supplier or tender reference")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(
                Q(title__icontains=query)
                | Q(supplier__name__icontains=query)
                | Q(tender__reference__icontains=query)
            )
            self.is_searching = True
            self.search_query = query
        return objects


class _PilotChooseMixin:
    filter_form_class = PilotFilterForm

    def get_object_list(self):
        return Pilot.objects.select_related("supplier", "tender").order_by("-created_at", "-pk")

    @property
    def columns(self):
        return [
            self.title_column,
            Column("supplier", label=_("Supplier"), accessor="supplier"),
            Column("status", label=_("Status"), accessor="get_status_display"),
        ]


class PilotChooseView(_PilotChooseMixin, ChooseView):
    pass


class PilotChooseResultsView(_PilotChooseMixin, ChooseResultsView):
    pass


class PilotChooserViewSet(ChooserViewSet):
    model = "pilots.Pilot"
    icon = "tasks"
    choose_one_text = _("Choose a pilot")
    choose_another_text = _("Choose another pilot")
    edit_item_text = _("Open the pilot")
    choose_view_class = PilotChooseView
    choose_results_view_class = PilotChooseResultsView
    # No creation tab: a pilot is born from an award decision, not in the CMS.
    creation_form_class = None
    form_fields = None


pilot_chooser_viewset = PilotChooserViewSet("pilot_chooser")
