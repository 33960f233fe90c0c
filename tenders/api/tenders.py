"""Read-only tender API: ``GET /api/tenders/`` and ``GET /api/tenders/<reference>/``.

Public tenders only (published, closed, in evaluation, awarded, cancelled; never a draft), our
own and those imported from Doffin. Deadlines are ISO 8601 in UTC; show them in Europe/Oslo.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters, generics, serializers
from rest_framework.permissions import AllowAny

from marketplace.api.auth import TokenHasScope
from marketplace.models import TokenScope
from tenders.models import Amendment, Criterion, Lot, Procedure, Source, Tender, ThresholdBand
from tenders.models.thresholds import ContractType
from tenders.selectors.open_data import api_tender_detail, api_tenders, tenders_under_cpv

# --- serialisers ------------------------------------------------------------------------------


class LotSerializer(serializers.ModelSerializer):
    cpv_codes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    municipalities = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = Lot
        fields = [
            "number",
            "title",
            "description",
            "cpv_codes",
            "estimated_value",
            "estimated_value_currency",
            "municipalities",
            "suitable_for_smb",
        ]
        read_only_fields = fields


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight"]
        read_only_fields = fields


class AmendmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Amendment
        fields = ["number", "summary", "is_deadline_extension", "created_at"]
        read_only_fields = fields


class TenderSerializer(serializers.ModelSerializer):
    buyer = serializers.CharField(source="display_buyer", help_text=_("Buyer or service area."))
    buyer_org_number = serializers.SerializerMethodField()
    main_cpv = serializers.CharField(source="main_cpv_id", allow_null=True)
    additional_cpv = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    has_smb_lots = serializers.BooleanField(
        help_text=_("At least one lot is marked suitable for small and medium businesses.")
    )
    url = serializers.SerializerMethodField(help_text=_("This tender in the API."))
    html_url = serializers.SerializerMethodField(help_text=_("This tender's page."))

    class Meta:
        model = Tender
        fields = [
            "reference",
            "url",
            "html_url",
            "source",
            "external_url",
            "title",
            "buyer",
            "buyer_org_number",
            "status",
            "procedure",
            "contract_type",
            "estimated_value",
            "estimated_value_currency",
            "threshold_band",
            "main_cpv",
            "additional_cpv",
            "is_pilot",
            "has_smb_lots",
            "question_deadline",
            "submission_deadline",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_buyer_org_number(self, tender: Tender) -> str:
        return tender.buyer.org_number if tender.buyer_id else tender.buyer_org_number

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, tender: Tender) -> str:
        return self._absolute(reverse("api:tender_detail", kwargs={"reference": tender.reference}))

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, tender: Tender) -> str | None:
        try:
            return self._absolute(reverse("tenders:tender_detail", args=[tender.reference]))
        except NoReverseMatch:
            return None

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class TenderDetailSerializer(TenderSerializer):
    lots = LotSerializer(many=True, read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    amendments = AmendmentSerializer(many=True, read_only=True)

    class Meta(TenderSerializer.Meta):
        fields = [
            *TenderSerializer.Meta.fields,
            "description",
            "max_lots_per_bidder",
            "joint_bids_allowed",
            "subcontracting_allowed",
            "pilot_duration_months",
            "pilot_budget",
            "scale_up_option",
            "version",
            "closed_at",
            "awarded_at",
            "cancelled_at",
            "cancellation_reason",
            "lots",
            "criteria",
            "amendments",
        ]
        read_only_fields = fields


# --- filters ------------------------------------------------------------------------------------


class TenderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text", label=_("Text in title, description, reference or buyer")
    )
    cpv = django_filters.CharFilter(
        method="filter_cpv",
        label=_("CPV codes, comma-separated; matches each code and everything under it"),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=[c for c in Tender.Status.choices if c[0] != Tender.Status.DRAFT]
    )
    source = django_filters.ChoiceFilter(choices=Source.choices)
    procedure = django_filters.MultipleChoiceFilter(choices=Procedure.choices)
    contract_type = django_filters.ChoiceFilter(choices=ContractType.choices)
    threshold_band = django_filters.MultipleChoiceFilter(choices=ThresholdBand.choices)
    pilot = django_filters.BooleanFilter(field_name="is_pilot")
    smb = django_filters.BooleanFilter(field_name="has_smb_lots", label=_("Has SMB-suitable lots"))
    value_min = django_filters.NumberFilter(field_name="estimated_value", lookup_expr="gte")
    value_max = django_filters.NumberFilter(field_name="estimated_value", lookup_expr="lte")
    deadline_after = django_filters.IsoDateTimeFilter(
        field_name="submission_deadline", lookup_expr="gte"
    )
    deadline_before = django_filters.IsoDateTimeFilter(
        field_name="submission_deadline", lookup_expr="lte"
    )
    published_after = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="gte")

    class Meta:
        model = Tender
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(reference__icontains=value)
            | Q(buyer_name__icontains=value)
            | Q(buyer__name__icontains=value)
        )

    def filter_cpv(self, queryset, name, value):
        codes = [code.strip() for code in value.split(",") if code.strip()]
        if not all(code.isdigit() and len(code) == 8 for code in codes):
            raise serializers.ValidationError({"cpv": [_("Use eight-digit CPV codes.")]})
        return tenders_under_cpv(queryset, codes) if codes else queryset


# --- views --------------------------------------------------------------------------------------


class TenderList(generics.ListAPIView):
    """Public tenders, newest first; filter with the query parameters below."""

    serializer_class = TenderSerializer
    permission_classes = [AllowAny, TokenHasScope]
    required_scope = TokenScope.READ
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = TenderFilter
    ordering_fields = ["published_at", "submission_deadline", "estimated_value"]

    def get_queryset(self):
        return api_tenders()


class TenderDetail(generics.RetrieveAPIView):
    """One public tender with its lots, award criteria and amendments."""

    serializer_class = TenderDetailSerializer
    permission_classes = [AllowAny, TokenHasScope]
    required_scope = TokenScope.READ
    lookup_field = "reference"

    def get_queryset(self):
        return api_tender_detail()


urlpatterns = [
    path("tenders/", TenderList.as_view(), name="tender_list"),
    path("tenders/<str:reference>/", TenderDetail.as_view(), name="tender_detail"),
]
