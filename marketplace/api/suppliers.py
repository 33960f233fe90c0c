"""Public supplier profiles: ``GET /api/suppliers/`` and ``GET /api/suppliers/<slug>/``.

Only listed profiles, and only what the profile shows everyone: size and references appear when
the supplier made them public and are ``null`` otherwise, whoever asks. The contact person is
personal data and is left out of the API altogether (the profile page shows it).
Text search is the directory's (``/leverandorer/?q=``); the API filters on facets only.
"""

from __future__ import annotations

import django_filters
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from marketplace.api.auth import TokenHasScope
from marketplace.forms.cpv_codes import CpvCodesField
from marketplace.models import (
    Municipality,
    SmeCategory,
    Stage,
    SupplierProfile,
    SupplierReference,
    TokenScope,
    Visibility,
)
from marketplace.selectors.suppliers import api_profiles, delivers_in, has_cpv_under

# --- serialisers ------------------------------------------------------------------------------


class CpvCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_nb = serializers.CharField()
    name_en = serializers.CharField()


class PlaceSerializer(serializers.Serializer):
    number = serializers.CharField()
    name = serializers.CharField()


class CertificationSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name_nb = serializers.CharField()
    name_en = serializers.CharField()


class ReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplierReference
        fields = ["customer", "public_sector", "year", "value_band", "description"]


class SizeSerializer(serializers.Serializer):
    employee_band = serializers.CharField()
    turnover_band = serializers.CharField()


class SupplierSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="organisation.slug")
    name = serializers.CharField(source="organisation.name")
    org_number = serializers.CharField(source="organisation.org_number")
    website = serializers.URLField(source="organisation.website")
    url = serializers.SerializerMethodField(help_text=_("This profile in the API."))
    cpv_codes = CpvCodeSerializer(many=True)
    keywords = serializers.ListField(child=serializers.CharField())
    industry_code = serializers.CharField(source="industry_code_id", allow_null=True)
    municipality = PlaceSerializer(allow_null=True)
    delivery_counties = PlaceSerializer(many=True)
    delivery_municipalities = PlaceSerializer(many=True)
    certifications = CertificationSerializer(many=True)
    size = serializers.SerializerMethodField(
        help_text=_("Employees and turnover, or null when the supplier shows them to buyers only.")
    )
    references = serializers.SerializerMethodField(
        help_text=_("Earlier contracts, or null when the supplier shows them to buyers only.")
    )

    class Meta:
        model = SupplierProfile
        fields = [
            "slug",
            "name",
            "org_number",
            "website",
            "url",
            "description_nb",
            "description_en",
            "cpv_codes",
            "keywords",
            "industry_code",
            "municipality",
            "delivers_nationwide",
            "delivery_counties",
            "delivery_municipalities",
            "sme_category",
            "stage",
            "founded_year",
            "certifications",
            "other_certifications",
            "technology_readiness_level",
            "open_to_pilots",
            "interested_in_test_arenas",
            "size",
            "references",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, profile: SupplierProfile) -> str:
        path = reverse("api:supplier_detail", kwargs={"slug": profile.organisation.slug})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(SizeSerializer(allow_null=True))
    def get_size(self, profile: SupplierProfile):
        if profile.size_visibility != Visibility.PUBLIC:
            return None
        return {"employee_band": profile.employee_band, "turnover_band": profile.turnover_band}

    @extend_schema_field(ReferenceSerializer(many=True, allow_null=True))
    def get_references(self, profile: SupplierProfile):
        if profile.references_visibility != Visibility.PUBLIC:
            return None
        return ReferenceSerializer(profile.references.all(), many=True).data


# --- filters ----------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class CpvCodesFilter(django_filters.Filter):
    field_class = CpvCodesField


class SupplierApiFilter(django_filters.FilterSet):
    cpv = CpvCodesFilter(
        method="filter_cpv",
        help_text=_("CPV codes separated by commas; each includes everything under it."),
    )
    municipality = django_filters.ModelChoiceFilter(
        queryset=Municipality.objects.all(),
        to_field_name="number",
        method="filter_municipality",
        help_text=_("Municipality number: firms that deliver there (named, county, nationwide)."),
    )
    sme_category = django_filters.MultipleChoiceFilter(choices=SmeCategory.choices)
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices)

    class Meta:
        model = SupplierProfile
        fields: list[str] = []

    def filter_cpv(self, queryset, name, value):
        return queryset.filter(has_cpv_under(value)) if value else queryset

    def filter_municipality(self, queryset, name, value):
        return queryset.filter(delivers_in(value)) if value is not None else queryset


# --- views ------------------------------------------------------------------------------------


class SupplierList(generics.ListAPIView):
    """Listed supplier profiles, by name."""

    serializer_class = SupplierSerializer
    permission_classes = [AllowAny, TokenHasScope]
    required_scope = TokenScope.READ
    filter_backends = [DjangoFilterBackend]
    filterset_class = SupplierApiFilter

    def get_queryset(self):
        return api_profiles()


class SupplierDetail(generics.RetrieveAPIView):
    """One listed supplier profile, by the organisation's slug."""

    serializer_class = SupplierSerializer
    permission_classes = [AllowAny, TokenHasScope]
    required_scope = TokenScope.READ
    lookup_field = "organisation__slug"
    lookup_url_kwarg = "slug"

    def get_queryset(self):
        return api_profiles()


urlpatterns = [
    path("suppliers/", SupplierList.as_view(), name="supplier_list"),
    path("suppliers/<slug:slug>/", SupplierDetail.as_view(), name="supplier_detail"),
]
