"""CPV look-up for the picker's type-ahead: ``/api/cpv/`` (search, filter) and ``/api/cpv/<code>/``.

Read-only and open to anyone: the vocabulary is public. Labels come in both languages plus
``name`` in the language asked for (``?lang=en``/``nb``, else the request's language).
"""

from __future__ import annotations

import re

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from marketplace.api.auth import TokenHasScope
from marketplace.i18n import active_language
from marketplace.models import CpvCode, TokenScope
from marketplace.selectors.classification import (
    cpv_ancestors,
    cpv_code_get,
    cpv_codes_search,
)

_CPV = re.compile(r"^(\d{8})(?:-\d)?$")
LANGUAGES = ("nb", "en")


def _language(request) -> str:
    lang = request.query_params.get("lang", "")
    if lang in LANGUAGES:
        return lang
    return active_language()


class CpvQuerySerializer(serializers.Serializer):
    """The list's query parameters; anything else in them is refused with a 400 problem."""

    q = serializers.CharField(required=False, max_length=100, allow_blank=True)
    level = serializers.ChoiceField(required=False, choices=CpvCode.Level.values)
    under = serializers.RegexField(
        _CPV,
        required=False,
        error_messages={"invalid": _("Enter a CPV code of eight digits, e.g. 72000000.")},
    )
    lang = serializers.ChoiceField(required=False, choices=LANGUAGES)


class CpvLookupSerializer(serializers.Serializer):
    code = serializers.CharField()
    code_with_check_digit = serializers.CharField()
    level = serializers.CharField()
    parent = serializers.CharField(source="parent_id", allow_null=True)
    name_nb = serializers.CharField()
    name_en = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        if self.context.get("lang") == "en":
            return obj.name_en or obj.name_nb
        return obj.name_nb or obj.name_en


class CpvLookupDetailSerializer(CpvLookupSerializer):
    children_count = serializers.IntegerField()
    ancestors = serializers.SerializerMethodField()

    @extend_schema_field(CpvLookupSerializer(many=True))
    def get_ancestors(self, obj) -> list[dict]:
        return CpvLookupSerializer(cpv_ancestors(obj), many=True, context=self.context).data


class _CpvView:
    permission_classes = [AllowAny, TokenHasScope]
    required_scope = TokenScope.READ
    # Type-ahead sends a request per pause in typing: generous, but bounded (per address).
    throttle_scope = "cpv"

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "lang": _language(self.request)}


PROBLEM = OpenApiResponse(
    OpenApiTypes.OBJECT, description=_("Problem details (application/problem+json)")
)


@extend_schema(
    summary="Search CPV codes",
    parameters=[
        OpenApiParameter("q", str, description="Text in either label, or leading code digits."),
        OpenApiParameter("level", str, enum=CpvCode.Level.values),
        OpenApiParameter("under", str, description="Only this code and its descendants."),
        OpenApiParameter("lang", str, enum=list(LANGUAGES), description="Language of `name`."),
    ],
    responses={200: CpvLookupSerializer(many=True), 400: PROBLEM},
)
class CpvCodeList(_CpvView, generics.ListAPIView):
    serializer_class = CpvLookupSerializer

    def get_queryset(self):
        params = CpvQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        under = params.validated_data.get("under")
        return cpv_codes_search(
            text=params.validated_data.get("q", ""),
            level=params.validated_data.get("level"),
            under=_CPV.match(under).group(1) if under else None,
        )


@extend_schema(
    summary="One CPV code with its ancestors",
    parameters=[OpenApiParameter("lang", str, enum=list(LANGUAGES))],
    responses={200: CpvLookupDetailSerializer, 404: PROBLEM},
)
class CpvCodeDetail(_CpvView, generics.RetrieveAPIView):
    serializer_class = CpvLookupDetailSerializer

    def get_object(self):
        match = _CPV.match(self.kwargs["code"])
        code = cpv_code_get(code=match.group(1)) if match else None
        if code is None:
            raise Http404
        return code


urlpatterns = [
    path("cpv/", CpvCodeList.as_view(), name="cpv-list"),
    path("cpv/<str:code>/", CpvCodeDetail.as_view(), name="cpv-detail"),
]
