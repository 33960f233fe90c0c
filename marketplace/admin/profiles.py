"""Supplier profiles in the Django admin: site staff can correct a profile and erase a contact.

Saves are recorded in the audit chain with the fields they changed. The contact person is
personal data: it is shown read-only here and erased only through ``contact_erase()`` (the
"Erase" action), which keeps the row and records the erasure without the erased values.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.errors import DomainError
from marketplace.models import ContactPerson, SupplierProfile, SupplierReference
from marketplace.services.audit import audit_record
from marketplace.services.profiles import REFERENCE_FIELDS, contact_erase, profile_snapshot


def _reference_data(reference: SupplierReference) -> dict:
    return {field: getattr(reference, field) for field in REFERENCE_FIELDS}


class SupplierReferenceInline(admin.TabularInline):
    model = SupplierReference
    extra = 0
    fields = ["customer", "public_sector", "year", "value_band", "description"]


class ContactPersonInline(admin.StackedInline):
    model = ContactPerson
    extra = 0
    can_delete = False
    fields = ["name", "title", "email", "phone", "user", "anonymised_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SupplierProfile)
class SupplierProfileAdmin(admin.ModelAdmin):
    list_display = ["organisation", "is_published", "sme_category", "stage", "updated_at"]
    list_filter = ["is_published", "sme_category", "stage", "open_to_pilots"]
    search_fields = ["organisation__name", "organisation__org_number", "keywords"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation", "cpv_codes", "industry_code", "municipality"]
    raw_id_fields += ["delivery_municipalities"]
    filter_horizontal = ["certifications", "delivery_counties"]
    readonly_fields = ["sme_category", "created_at", "updated_at"]
    inlines = [SupplierReferenceInline, ContactPersonInline]
    fieldsets = [
        (None, {"fields": ["organisation", "is_published"]}),
        (_("About"), {"fields": ["description_nb", "description_en"]}),
        (_("Capabilities"), {"fields": ["cpv_codes", "keywords", "industry_code"]}),
        (
            _("Address"),
            {"fields": ["street_address", "postal_code", "postal_place", "municipality"]},
        ),
        (
            _("Where it delivers"),
            {"fields": ["delivers_nationwide", "delivery_counties", "delivery_municipalities"]},
        ),
        (
            _("Size and stage"),
            {"fields": ["employee_band", "turnover_band", "sme_category", "stage", "founded_year"]},
        ),
        (_("Certifications"), {"fields": ["certifications", "other_certifications"]}),
        (
            _("Pilots"),
            {
                "fields": [
                    "technology_readiness_level",
                    "open_to_pilots",
                    "interested_in_test_arenas",
                ]
            },
        ),
        (
            _("Visibility"),
            {"fields": ["size_visibility", "references_visibility", "contact_visibility"]},
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    def changeform_view(self, request, *args, **kwargs):
        # The profile, its M2M fields and its inlines are saved and audited as one.
        with transaction.atomic():
            return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        # Kept on the request: one ModelAdmin instance serves every request.
        request._profile_before = (
            profile_snapshot(SupplierProfile.objects.get(pk=obj.pk)) if change else None
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        profile = form.instance
        after = profile_snapshot(profile)
        before = getattr(request, "_profile_before", None) or {}
        changed = [key for key in after if before.get(key) != after[key]]
        audit_record(
            actor=request.user,
            action="supplier_profile.admin_update" if change else "supplier_profile.admin_create",
            obj=profile,
            before={key: before.get(key) for key in changed} if change else None,
            after={key: after[key] for key in changed},
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not SupplierReference:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for reference in formset.deleted_objects:
            audit_record(
                actor=request.user,
                action="supplier_reference.admin_delete",
                obj=reference,
                before=_reference_data(reference),
            )
            reference.delete()
        for reference in instances:
            created = reference.pk is None
            reference.save()
            audit_record(
                actor=request.user,
                action="supplier_reference.admin_create"
                if created
                else "supplier_reference.admin_update",
                obj=reference,
                after=_reference_data(reference),
            )
        formset.save_m2m()
        return None

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(actor=request.user, action="supplier_profile.admin_delete", obj=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_record(actor=request.user, action="supplier_profile.admin_delete", obj=obj)
            super().delete_queryset(request, queryset)


@admin.action(description=_("Erase the selected contact persons (anonymise)"))
def erase_contacts(modeladmin, request, queryset):
    erased = 0
    for contact in queryset.filter(anonymised_at__isnull=True):
        try:
            contact_erase(contact=contact, by=request.user, as_staff=True)
        except DomainError as exc:
            modeladmin.message_user(request, exc.message, messages.ERROR)
            return
        erased += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d contact person erased.", "%(count)d contact persons erased.", erased)
        % {"count": erased},
        messages.SUCCESS,
    )


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    """Read-only: contact persons are set by the supplier and erased by the action."""

    list_display = ["__str__", "profile", "email", "anonymised_at"]
    list_filter = [("anonymised_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "email", "profile__organisation__name"]
    list_select_related = ["profile__organisation"]
    actions = [erase_contacts]
    fields = ["profile", "user", "name", "title", "email", "phone", "anonymised_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Erasure anonymises and keeps the row; deleting would lose the organisation's history.
        return False
