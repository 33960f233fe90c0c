"""Tenders in the Django admin: thresholds and themes are data staff edit; tenders, lots and
amendments are shown for support but change only through the product's services (the lifecycle
and its audit trail must not be bypassed)."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction

from marketplace.services.audit import audit_record
from tenders.models import Amendment, Criterion, Lot, Tender, TenderDocument, Theme, Threshold


class ViewOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Editable reference data; every change is an audit event."""

    audit_prefix = ""

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"{self.audit_prefix}.{'changed' if change else 'created'}",
            obj=obj,
            after={name: form.cleaned_data.get(name) for name in form.changed_data},
        )

    @transaction.atomic
    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=f"{self.audit_prefix}.deleted", obj=obj)
        super().delete_model(request, obj)


@admin.register(Threshold)
class ThresholdAdmin(AuditedAdmin):
    audit_prefix = "threshold"
    list_display = ["contract_type", "valid_from", "valid_to", "regulated_from", "national", "eea"]
    list_filter = ["contract_type"]
    ordering = ["-valid_from", "contract_type"]


@admin.register(Theme)
class ThemeAdmin(AuditedAdmin):
    audit_prefix = "theme"
    list_display = ["slug", "name_nb", "name_en"]
    search_fields = ["slug", "name_nb", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


class LotInline(ViewOnlyMixin, admin.TabularInline):
    model = Lot
    fields = ["number", "title", "estimated_value", "suitable_for_smb"]
    readonly_fields = fields
    extra = 0


class CriterionInline(ViewOnlyMixin, admin.TabularInline):
    model = Criterion
    fields = ["order", "name", "weight"]
    readonly_fields = fields
    extra = 0


class DocumentInline(ViewOnlyMixin, admin.TabularInline):
    model = TenderDocument
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_at", "removed_at"]
    readonly_fields = fields
    extra = 0


class AmendmentInline(ViewOnlyMixin, admin.TabularInline):
    model = Amendment
    fields = ["number", "summary", "is_deadline_extension", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Tender)
class TenderAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "title",
        "source",
        "status",
        "buyer",
        "unit",
        "threshold_band",
        "submission_deadline",
        "published_at",
    ]
    list_filter = ["status", "source", "procedure", "threshold_band", "buyer"]
    search_fields = ["reference", "title", "buyer__name", "buyer_name", "external_id"]
    list_select_related = ["buyer", "unit"]
    date_hierarchy = "published_at"
    show_full_result_count = False
    inlines = [LotInline, CriterionInline, DocumentInline, AmendmentInline]

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff and super().has_view_permission(request, obj)


@admin.register(Amendment)
class AmendmentAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["tender", "number", "is_deadline_extension", "created_by", "created_at"]
    list_filter = ["is_deadline_extension"]
    search_fields = ["tender__reference", "summary"]
    list_select_related = ["tender", "created_by"]
    readonly_fields = ["tender", "number", "summary", "changes", "is_deadline_extension"]
