"""Bids in the API: sealed until opening like everywhere else (``bids.services.sealing``).

``GET /api/tenders/<reference>/bids/`` for the buyer's officers, openers and assigned
evaluators: before opening a 403 problem (the attempt is audited), after opening the bidders,
their lots and prices as the opening protocol froze them. Anyone else gets 404, and an attempt
on an existing tender is audited too.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bids.selectors.buyer import tenders_for_bid_work
from bids.services import sealing
from marketplace.api.auth import TokenHasScope
from marketplace.models import TokenScope
from tenders.models import Tender


class LotPriceSerializer(serializers.Serializer):
    number = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    price = serializers.CharField(allow_null=True)


class MemberSerializer(serializers.Serializer):
    name = serializers.CharField()
    org_number = serializers.CharField()


class BidderSerializer(serializers.Serializer):
    supplier = serializers.CharField()
    org_number = serializers.CharField()
    joint = serializers.BooleanField()
    consortium = MemberSerializer(many=True)
    lots = LotPriceSerializer(many=True)
    document_count = serializers.IntegerField()
    submitted_at = serializers.CharField()


class OpenedBidsSerializer(serializers.Serializer):
    reference = serializers.CharField()
    opened_at = serializers.CharField()
    protocol_sha256 = serializers.CharField()
    bids = BidderSerializer(many=True)


class TenderBids(APIView):
    permission_classes = [IsAuthenticated, TokenHasScope]
    required_scope = TokenScope.BIDS_READ

    @extend_schema(responses=OpenedBidsSerializer, summary="The opened bids of a tender")
    def get(self, request, reference: str):
        tender = tenders_for_bid_work(request.user).filter(reference=reference).first()
        if tender is None:
            existing = Tender.objects.own().filter(reference=reference).first()
            if existing is not None:
                sealing.record_refusal(user=request.user, tender=existing, what="api.bids")
            raise exceptions.NotFound()
        if not sealing.buyer_may_read_tender_bids(request.user, tender):
            sealing.record_refusal(user=request.user, tender=tender, what="api.bids")
            raise exceptions.PermissionDenied(
                _("The bids are sealed until they are opened after the deadline."),
                code="bid_sealed",
            )
        opening = tender.opening
        data = {
            "reference": tender.reference,
            "opened_at": opening.protocol.get("opened_at"),
            "protocol_sha256": opening.protocol_sha256,
            "bids": opening.protocol.get("bids", []),
        }
        return Response(OpenedBidsSerializer(data).data)


urlpatterns = [
    path("tenders/<str:reference>/bids/", TenderBids.as_view(), name="tender_bids"),
]
