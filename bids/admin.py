"""Django admin for bids: read-only, and sealed like everywhere else.

The bid and award lists hold only rows of opened tenders (``bids.public.opened_q``), and never a
bid's content (no sealed field is shown, decrypted or not); their counts and filters are
computed on those rows only. A bid's change, history or delete URL typed by hand for a bid that is
still sealed answers 404 — the same as for a bid that does not exist — and the attempt is
audited. Superusers included: the seal does not know them.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404

from bids.models import AwardDecision, Bid, TenderOpening
from bids.public import opened_q
from bids.services import sealing


class ReadOnlyAdmin(admin.ModelAdmin):
    """Site administrators may look, never change: every change goes through the services."""

    def has_view_permission(self, request, obj=None):
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "tender", "supplier", "version", "status", "submitted_at"]
    list_filter = ["status"]
    fields = [
        "public_id",
        "tender",
        "supplier",
        "version",
        "status",
        "is_joint",
        "submitted_at",
        "receipt_code",
        "content_sha256",
    ]
    readonly_fields = fields
    search_fields = ["tender__reference"]

    def get_queryset(self, request):
        # Only bids of opened tenders exist here; drafts are the supplier's own.
        return (
            super()
            .get_queryset(request)
            .filter(opened_q())
            .exclude(status=Bid.Status.DRAFT)
            .select_related("tender", "supplier")
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            return obj
        sealed = (
            Bid.objects.filter(pk=object_id).select_related("tender").first()
            if str(object_id).isdigit()
            else None
        )
        if sealed is not None:
            sealing.record_refusal(user=request.user, tender=sealed.tender, what="admin.bid")
        raise Http404


@admin.register(TenderOpening)
class TenderOpeningAdmin(ReadOnlyAdmin):
    list_display = ["tender", "requested_by", "confirmed_by", "opened_at"]
    fields = [
        "tender",
        "requested_by",
        "requested_at",
        "confirmed_by",
        "opened_at",
        "protocol_sha256",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # A pending two-person opening says that bids may exist; show finished openings only.
        return super().get_queryset(request).filter(opened_at__isnull=False)


@admin.register(AwardDecision)
class AwardDecisionAdmin(ReadOnlyAdmin):
    list_display = ["tender", "lot", "bid", "status", "decided_at", "standstill_ends_at"]
    list_filter = ["status"]
    fields = [
        "tender",
        "lot",
        "bid",
        "reasons",
        "status",
        "decided_by",
        "decided_at",
        "standstill_ends_at",
        "contract_signed_at",
        "withdrawn_by",
        "withdrawn_at",
        "withdrawal_reason",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # Decisions need opened bids; the filter keeps that true here whatever made the row.
        return super().get_queryset(request).filter(opened_q()).select_related("tender", "lot")
