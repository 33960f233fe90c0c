"""The public opportunity listing's filters (django-filter).

Facets that look through many-to-many relations (CPV codes, places, lots) use ``Exists``
subqueries, so no filter multiplies rows and no ``distinct()`` is needed.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.formatting import OSLO
from marketplace.forms.cpv_codes import CpvCodesField
from marketplace.models import Municipality, OrganisationUnit, cpv_under_q
from tenders.lifecycle import effective_status_q, open_for_bids_q
from tenders.models import Lot, Procedure, Source, Tender, ThresholdBand
from tenders.selectors.public import smb_lots_exist

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 10


class CpvCodesFilter(django_filters.Filter):
    field_class = CpvCodesField


class ServiceAreaField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrganisationUnit) -> str:
        return f"{obj.organisation.name}: {obj.display_name}"


class ServiceAreaFilter(django_filters.ModelChoiceFilter):
    field_class = ServiceAreaField


def _service_areas(request) -> QuerySet[OrganisationUnit]:
    return (
        OrganisationUnit.objects.filter(is_active=True, organisation__kind="buyer")
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


# -- choices ------------------------------------------------------------------------------------


class StatusChoice:
    OPEN = "open"
    CLOSED = "closed"
    AWARDED = "awarded"
    CANCELLED = "cancelled"
    ALL = "all"

    # "Open" comes first: it is what a select with nothing chosen shows, and the default.
    CHOICES = [
        (OPEN, _("Open for bids")),
        (CLOSED, _("Deadline passed or in evaluation")),
        (AWARDED, _("Awarded")),
        (CANCELLED, _("Cancelled")),
        (ALL, _("All statuses")),
    ]


class Sort:
    DEADLINE = "deadline"
    NEWEST = "newest"
    VALUE = "value"
    TITLE = "title"

    CHOICES = [
        (DEADLINE, _("Deadline, soonest first")),
        (NEWEST, _("Newest first")),
        (VALUE, _("Estimated value, highest first")),
        (TITLE, _("Title, A to Z")),
    ]


class SourceChoice:
    CHOICES = [
        (Source.OWN, _("Published on Pilotmarked")),
        (Source.DOFFIN, _("Imported from Doffin")),
    ]


def oslo_day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=OSLO)


# -- the form and the filter set ---------------------------------------------------------------


class OpportunityFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        low, high = data.get("value_min"), data.get("value_max")
        if low is not None and high is not None and low > high:
            self.add_error("value_max", _("The highest value must be at least the lowest value."))
        start, end = data.get("deadline_from"), data.get("deadline_to")
        if start and end and start > end:
            self.add_error("deadline_to", _("The last day must be on or after the first day."))
        return data


class OpportunityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        max_length=MAX_QUERY_LENGTH,
        method="filter_text",
        help_text=_("Words in the title, description, reference or buyer."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=StatusChoice.CHOICES, empty_label=None, method="filter_status"
    )
    cpv = CpvCodesFilter(
        label=_("CPV codes"),
        method="filter_cpv",
        help_text=_(
            "One or more codes, separated by commas. A code includes everything under it: "
            "72000000 finds tenders for 72212000."
        ),
    )
    service_area = ServiceAreaFilter(
        label=_("Service area"),
        queryset=_service_areas,
        field_name="unit",
        empty_label=_("Any service area"),
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Place of delivery"),
        queryset=Municipality.objects.order_by("name"),
        to_field_name="number",
        method="filter_municipality",
        empty_label=_("Any municipality"),
    )
    procedure = django_filters.MultipleChoiceFilter(
        label=_("Procedure"), choices=Procedure.choices, widget=forms.CheckboxSelectMultiple
    )
    threshold_band = django_filters.MultipleChoiceFilter(
        label=_("Threshold band"),
        choices=ThresholdBand.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    value_min = django_filters.NumberFilter(
        label=_("Estimated value from (NOK)"),
        field_name="estimated_value",
        lookup_expr="gte",
        min_value=0,
    )
    value_max = django_filters.NumberFilter(
        label=_("Estimated value up to (NOK)"),
        field_name="estimated_value",
        lookup_expr="lte",
        min_value=0,
    )
    deadline_from = django_filters.DateFilter(
        label=_("Deadline on or after"),
        method="filter_deadline_from",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Norwegian time."),
    )
    deadline_to = django_filters.DateFilter(
        label=_("Deadline on or before"),
        method="filter_deadline_to",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Norwegian time."),
    )
    smb_lots = django_filters.BooleanFilter(
        label=_("Only tenders with lots suitable for small and medium businesses"),
        widget=forms.CheckboxInput,
        method="filter_smb_lots",
    )
    pilot = django_filters.BooleanFilter(
        label=_("Only pilots"), widget=forms.CheckboxInput, method="filter_pilot"
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=SourceChoice.CHOICES, empty_label=_("All sources")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=Sort.CHOICES, empty_label=None, method="filter_nothing"
    )

    class Meta:
        model = Tender
        fields: list[str] = []
        form = OpportunityFilterForm

    def __init__(self, *args, now: datetime.datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    # -- filters -------------------------------------------------------------------------------

    def filter_nothing(self, queryset, name, value):
        """The order is applied in ``filter_queryset`` after every facet."""
        return queryset

    def filter_text(self, queryset, name, value):
        for word in value.split()[:MAX_QUERY_WORDS]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(reference__icontains=word)
                | Q(buyer__name__icontains=word)
                | Q(buyer_name__icontains=word)
                | Q(unit__name__icontains=word)
                | Q(unit__name_en__icontains=word)
            )
        return queryset

    def filter_status(self, queryset, name, value):
        chosen = value or StatusChoice.OPEN
        if chosen == StatusChoice.OPEN:
            return queryset.filter(open_for_bids_q(self.now))
        if chosen == StatusChoice.CLOSED:
            closed = [Tender.Status.CLOSED, Tender.Status.IN_EVALUATION]
            return queryset.filter(effective_status_q(closed, self.now))
        if chosen == StatusChoice.AWARDED:
            return queryset.filter(status=Tender.Status.AWARDED)
        if chosen == StatusChoice.CANCELLED:
            return queryset.filter(status=Tender.Status.CANCELLED)
        return queryset

    def filter_cpv(self, queryset, name, value):
        if not value:
            return queryset
        additional = Tender.additional_cpv.through.objects.filter(
            cpv_under_q(value, "cpvcode__code"), tender_id=OuterRef("pk")
        )
        in_lots = Lot.cpv_codes.through.objects.filter(
            cpv_under_q(value, "cpvcode__code"), lot__tender_id=OuterRef("pk")
        )
        return queryset.filter(
            cpv_under_q(value, "main_cpv__code") | Q(Exists(additional)) | Q(Exists(in_lots))
        )

    def filter_municipality(self, queryset, name, value):
        if value is None:
            return queryset
        named = Tender.municipalities.through.objects.filter(
            tender_id=OuterRef("pk"), municipality_id=value.pk
        )
        in_lots = Lot.municipalities.through.objects.filter(
            lot__tender_id=OuterRef("pk"), municipality_id=value.pk
        )
        return queryset.filter(Q(Exists(named)) | Q(Exists(in_lots)))

    def filter_deadline_from(self, queryset, name, value):
        return queryset.filter(submission_deadline__gte=oslo_day_start(value))

    def filter_deadline_to(self, queryset, name, value):
        end = oslo_day_start(value + datetime.timedelta(days=1))
        return queryset.filter(submission_deadline__lt=end)

    def filter_smb_lots(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(smb_lots_exist())

    def filter_pilot(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(is_pilot=True) | Q(need__is_pilot_opportunity=True))

    # -- order ---------------------------------------------------------------------------------

    @property
    def status_value(self) -> str:
        data = getattr(self.form, "cleaned_data", {})
        return data.get("status") or StatusChoice.OPEN

    @property
    def sort_value(self) -> str:
        data = getattr(self.form, "cleaned_data", {})
        chosen = data.get("sort") or ""
        if chosen:
            return chosen
        return Sort.DEADLINE if self.status_value == StatusChoice.OPEN else Sort.NEWEST

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.form.cleaned_data.get("status"):
            # No status chosen (a bare /konkurranser/): what is open for bids.
            queryset = self.filter_status(queryset, "status", StatusChoice.OPEN)
        queryset = super().filter_queryset(queryset)
        sort = self.sort_value
        if sort == Sort.NEWEST:
            return queryset.order_by(F("published_at").desc(nulls_last=True), "-pk")
        if sort == Sort.VALUE:
            return queryset.order_by(F("estimated_value").desc(nulls_last=True), "pk")
        if sort == Sort.TITLE:
            return queryset.order_by("title", "pk")
        return queryset.order_by(F("submission_deadline").asc(nulls_last=True), "pk")
