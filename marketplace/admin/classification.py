"""Reference lists in the Django admin: CPV and SN2007 codes, places and certifications.

CPV and SN2007 codes and places come from the official lists (``make import-reference``), so
they are read-only here: staff look them up, the import commands change them.
Certifications are our own list and can be edited.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from marketplace.models import Certification, County, CpvCode, IndustryCode, Municipality
from marketplace.services.audit import audit_record


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, not editable: the data belongs to an official list and its import command."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CpvCode)
class CpvCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "check_digit", "level", "name_nb", "name_en"]
    list_filter = ["level"]
    search_fields = ["code", "name_nb", "name_en"]
    list_per_page = 100
    fields = ["code", "check_digit", "level", "parent", "name_nb", "name_en"]
    show_full_result_count = False


@admin.register(IndustryCode)
class IndustryCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "level", "name", "short_name"]
    list_filter = ["level"]
    search_fields = ["code", "name", "short_name"]
    list_per_page = 100
    fields = ["code", "level", "parent", "name", "short_name"]


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    fields = ["number", "name"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(County)
class CountyAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "nuts_code", "municipality_count"]
    search_fields = ["number", "name", "nuts_code"]
    fields = ["number", "name", "nuts_code"]
    inlines = [MunicipalityInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(municipality_count=Count("municipalities"))

    @admin.display(description=_("municipalities"), ordering="municipality_count")
    def municipality_count(self, obj) -> int:
        return obj.municipality_count


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "county"]
    list_filter = ["county"]
    list_select_related = ["county"]
    search_fields = ["number", "name"]
    fields = ["number", "name", "county"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["name_nb", "name_en", "slug"]
    search_fields = ["name_nb", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    def _data(self, obj) -> dict:
        return {"slug": obj.slug, "name_nb": obj.name_nb, "name_en": obj.name_en}

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        before = self._data(Certification.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        action = "certification.admin_update" if change else "certification.admin_create"
        after = self._data(obj)
        audit_record(actor=request.user, action=action, obj=obj, before=before, after=after)

    @transaction.atomic
    def delete_model(self, request, obj):
        before = self._data(obj)
        super().delete_model(request, obj)
        audit_record(actor=request.user, action="certification.admin_delete", before=before)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
