"""The supplier directory's filters (django-filter), text search through the search backend.

Every facet narrows the listed profiles with an ``Exists`` subquery or a plain column, so no
filter multiplies rows and no ``distinct()`` is needed. The text query goes last, through
``get_backend()``, so the backend sees the faceted queryset and orders what it keeps.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from marketplace.forms.cpv_codes import CpvCodesField
from marketplace.models import (
    Certification,
    Municipality,
    SmeCategory,
    Stage,
    SupplierProfile,
)
from marketplace.selectors.suppliers import delivers_in, has_cpv_under
from search.backends import get_backend
from search.backends.base import SearchUnavailable
from search.queries import MAX_QUERY_LENGTH, SupplierQuery


class CpvCodesFilter(django_filters.Filter):
    field_class = CpvCodesField


class Sort:
    RELEVANCE = "relevance"
    NAME = "name"
    NEWEST = "newest"

    CHOICES = [
        (RELEVANCE, _("Best match")),
        (NAME, _("Name")),
        (NEWEST, _("Newest")),
    ]


class SupplierDirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        max_length=MAX_QUERY_LENGTH,
        method="filter_nothing",
        help_text=_("Words in the company's name, description, keywords or CPV labels."),
    )
    cpv = CpvCodesFilter(
        label=_("CPV codes"),
        method="filter_cpv",
        help_text=_(
            "One or more codes, separated by commas. A code includes everything under it: "
            "72000000 finds firms registered under 72212000."
        ),
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Delivers in municipality"),
        queryset=Municipality.objects.order_by("name"),
        to_field_name="number",
        method="filter_delivers_in",
        empty_label=_("Any municipality"),
        help_text=_("Firms that name the municipality, its county, or the whole country."),
    )
    based_in = django_filters.ModelChoiceFilter(
        label=_("Based in municipality"),
        queryset=Municipality.objects.order_by("name"),
        to_field_name="number",
        field_name="municipality",
        empty_label=_("Any municipality"),
    )
    sme_category = django_filters.MultipleChoiceFilter(
        label=_("Company size"),
        choices=SmeCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,  # a column of the profile: no row is repeated
    )
    stage = django_filters.MultipleChoiceFilter(
        label=_("Stage"),
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,  # a column of the profile: no row is repeated
    )
    certification = django_filters.ModelMultipleChoiceFilter(
        label=_("Certifications"),
        queryset=Certification.objects.order_by("name_nb"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        method="filter_certifications",
        help_text=_("Firms that hold every certification you tick."),
    )
    open_to_pilots = django_filters.BooleanFilter(
        label=_("Only firms open to pilots"),
        widget=forms.CheckboxInput,
        method="filter_open_to_pilots",
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=Sort.CHOICES,
        empty_label=None,
        method="filter_nothing",
    )

    class Meta:
        model = SupplierProfile
        fields: list[str] = []

    search_unavailable = False
    # More suppliers match the words than are listed (search.backends.base.SearchResult).
    search_bounded = False
    # How many profiles the text search listed, when the backend knows it without counting.
    search_total: int | None = None
    # The listed profiles' primary keys best first, when the text search ordered them and the
    # order is kept (``Sort.RELEVANCE``): the page then reads only its own rows by key.
    search_ids: tuple[int, ...] | None = None

    # -- filters -------------------------------------------------------------------------------

    def filter_nothing(self, queryset, name, value):
        """Text and sort are applied in ``filter_queryset`` after every facet."""
        return queryset

    def filter_cpv(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(has_cpv_under(value))

    def filter_delivers_in(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(delivers_in(value))

    def filter_certifications(self, queryset, name, value):
        through = SupplierProfile.certifications.through
        for certification in value:
            queryset = queryset.filter(
                Exists(
                    through.objects.filter(
                        supplierprofile_id=OuterRef("pk"), certification_id=certification.pk
                    )
                )
            )
        return queryset

    def filter_open_to_pilots(self, queryset, name, value):
        return queryset.filter(open_to_pilots=True) if value else queryset

    # -- text and order ------------------------------------------------------------------------

    @property
    def text_query(self) -> SupplierQuery:
        data = getattr(self.form, "cleaned_data", {})
        return SupplierQuery(data.get("q") or "")

    @property
    def sort_value(self) -> str:
        data = getattr(self.form, "cleaned_data", {})
        chosen = data.get("sort") or ""
        if chosen == Sort.RELEVANCE and self.text_query.is_empty:
            return Sort.NAME
        return chosen or (Sort.NAME if self.text_query.is_empty else Sort.RELEVANCE)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        query = self.text_query
        if not query.is_empty:
            try:
                found = get_backend().search_suppliers(query, queryset)
                self.search_bounded = found.bounded
                self.search_total = found.known_total
                self.search_ids = found.ids
                queryset = found.queryset
            except SearchUnavailable:
                self.search_unavailable = True
                return queryset.none()
        sort = self.sort_value
        if sort != Sort.RELEVANCE:
            self.search_ids = None
        if sort == Sort.NAME:
            return queryset.order_by("organisation__name", "pk")
        if sort == Sort.NEWEST:
            return queryset.order_by("-created_at", "pk")
        return queryset
