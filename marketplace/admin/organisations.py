"""Organisations in the Django admin.

Site staff create buyers here (a municipality joins without code changes) and manage their units.
Every save is validated as in the product (organisation number, roles for the kind) and recorded
in the audit chain. Staff verify organisations here, by hand or by asking the register
(``marketplace.services.verification``); one they create is verified by them. Invitations and
access requests are read-only: they are made by services, and an invitation's token is never
stored, so it cannot be shown.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.errors import DomainError
from marketplace.models import (
    AccessRequest,
    Invitation,
    Membership,
    Organisation,
    OrganisationUnit,
    Role,
)
from marketplace.selectors.organisations import invitation_status
from marketplace.services.audit import audit_record
from marketplace.services.organisations import RESERVED_SLUGS, validate_role
from marketplace.services.verification import (
    RegistryCheck,
    organisation_check_registry,
    organisation_verify,
)
from marketplace.validators import clean_org_number

# --- Audit of admin writes ------------------------------------------------------------------


def _audit_data(obj) -> dict:
    if isinstance(obj, Organisation):
        fields = ["kind", "name", "org_number", "slug", "website"]
    elif isinstance(obj, OrganisationUnit):
        fields = ["organisation_id", "name", "name_en", "slug", "is_active"]
    elif isinstance(obj, Membership):
        fields = ["user_id", "organisation_id", "role", "unit_id"]
    else:
        fields = []
    return {field: getattr(obj, field) for field in fields}


def _audit_organisation(obj):
    return obj if isinstance(obj, Organisation) else getattr(obj, "organisation_id", None)


def _audit_save(request, obj, *, save) -> None:
    """Save ``obj`` with ``save()`` and record what changed."""
    name = obj._meta.model_name
    if obj.pk is None:
        before, action = None, f"{name}.admin_create"
    else:
        before, action = _audit_data(type(obj).objects.get(pk=obj.pk)), f"{name}.admin_update"
    save()
    audit_record(
        actor=request.user,
        action=action,
        obj=obj,
        before=before,
        after=_audit_data(obj),
        organisation=_audit_organisation(obj),
    )


def _audit_delete(request, obj) -> None:
    audit_record(
        actor=request.user,
        action=f"{obj._meta.model_name}.admin_delete",
        obj=obj,
        before=_audit_data(obj),
        organisation=_audit_organisation(obj),
    )


class AuditedAdminMixin:
    """Records every add, change and delete made through this admin, inlines included."""

    def save_model(self, request, obj, form, change):
        parent = super()
        with transaction.atomic():
            _audit_save(request, obj, save=lambda: parent.save_model(request, obj, form, change))

    def delete_model(self, request, obj):
        with transaction.atomic():
            _audit_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                _audit_delete(request, obj)
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                _audit_delete(request, obj)
                obj.delete()
            for obj in instances:
                _audit_save(request, obj, save=obj.save)
            formset.save_m2m()


# --- Forms ----------------------------------------------------------------------------------


class OrganisationAdminForm(forms.ModelForm):
    # Longer than the stored nine digits so "974 760 673" can be typed; it is compacted.
    org_number = forms.CharField(
        label=_("organisation number"),
        max_length=20,
        help_text=_("Nine digits, as in the Brønnøysund Register Centre."),
    )
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["kind", "name", "org_number", "slug", "website"]

    def clean_org_number(self) -> str:
        return clean_org_number(self.cleaned_data["org_number"])

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This address is reserved. Choose another."))
        return slug

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        instance = self.instance
        if instance.pk and kind != instance.kind:
            allowed = Role.for_kind(kind)
            if instance.memberships.exclude(role__in=allowed).exists():
                raise ValidationError(
                    _("Members have roles of the other kind. Change or remove them first.")
                )
        return kind


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "organisation", "role", "unit"]

    def clean(self):
        cleaned = super().clean()
        organisation, role = cleaned.get("organisation"), cleaned.get("role")
        if organisation is not None and role:
            try:
                validate_role(organisation=organisation, role=role, unit=cleaned.get("unit"))
            except DomainError as exc:
                field = exc.field if exc.field in self.fields else None
                self.add_error(field, exc.message)
        return cleaned


# --- Organisations ----------------------------------------------------------------------------


class OrganisationUnitInline(admin.TabularInline):
    model = OrganisationUnit
    fields = ["name", "name_en", "slug", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
    fields = ["user", "role", "unit"]
    autocomplete_fields = ["user"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            # Only the units of the organisation on this page.
            object_id = request.resolver_match.kwargs.get("object_id")
            units = OrganisationUnit.objects.all()
            kwargs["queryset"] = (
                units.filter(organisation_id=object_id) if object_id else units.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "unit")


@admin.action(description=_("Verify the selected organisations"))
def verify_organisations(modeladmin, request, queryset):
    verified = 0
    for organisation in queryset.filter(verified_at__isnull=True):
        organisation_verify(organisation=organisation, by=request.user)
        verified += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d organisation verified.", "%(count)d organisations verified.", verified)
        % {"count": verified},
        messages.SUCCESS,
    )


@admin.action(description=_("Check the selected organisations in the Brønnøysund register"))
def check_in_registry(modeladmin, request, queryset):
    results = [
        organisation_check_registry(organisation_id=pk)
        for pk in queryset.filter(verified_at__isnull=True).values_list("pk", flat=True)
    ]
    verified = results.count(RegistryCheck.VERIFIED)
    modeladmin.message_user(
        request,
        _("Verified by the register: %(verified)d of %(checked)d checked.")
        % {"verified": verified, "checked": len(results)},
        messages.SUCCESS if verified == len(results) else messages.WARNING,
    )


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "kind", "org_number_display", "verified", "slug", "created_at"]
    list_filter = ["kind", ("verified_at", admin.EmptyFieldListFilter), "verification_source"]
    search_fields = ["name", "org_number", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "verified_at", "verified_by", "verification_source"]
    inlines = [OrganisationUnitInline, MembershipInline]
    actions = [verify_organisations, check_in_registry]

    @admin.display(description=_("verified"), boolean=True, ordering="verified_at")
    def verified(self, obj: Organisation) -> bool:
        return obj.is_verified

    def save_model(self, request, obj, form, change):
        # Staff who create an organisation here vouch for it (audited as organisation.verified).
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change:
                organisation_verify(organisation=obj, by=request.user)

    @admin.display(description=_("organisation number"), ordering="org_number")
    def org_number_display(self, obj: Organisation) -> str:
        return obj.org_number_display

    def get_search_results(self, request, queryset, search_term):
        # "974 760 673" finds 974760673.
        compact = search_term.replace(" ", "")
        if compact.isdigit():
            search_term = compact
        return super().get_search_results(request, queryset, search_term)

    def get_deleted_objects(self, objs, request):
        # A supplier's bids (and joint-bid invitations) protect it from deletion, so whether the
        # admin lets it go would tell who is bidding while bids are still sealed. Suppliers are
        # therefore refused alike, bids or not (single and bulk delete both come through here).
        if any(obj.kind == Organisation.Kind.SUPPLIER for obj in objs):
            return [], {}, {_("supplier organisations")}, []
        return super().get_deleted_objects(objs, request)


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "organisation", "role", "unit", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation", "unit"]
    readonly_fields = ["created_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = OrganisationUnit.objects.select_related("organisation")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Made by services; staff may look, not write."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "organisation", "role", "unit", "status", "created_at", "expires_at"]
    list_filter = ["role", "organisation__kind", "created_at"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation", "unit"]
    # The token itself is never stored; its SHA-256 is shown only to tell rows apart.
    fields = [
        "organisation",
        "email",
        "role",
        "unit",
        "status",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
        "token_hash",
    ]
    readonly_fields = fields

    @admin.display(description=_("status"))
    def status(self, obj: Invitation) -> str:
        labels = {
            "pending": _("Pending"),
            "accepted": _("Accepted"),
            "revoked": _("Withdrawn"),
            "expired": _("Expired"),
        }
        return labels[invitation_status(obj)]


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "created_at", "handled_at"]
    list_filter = [("handled_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["user__email", "organisation__name", "organisation__org_number"]
    list_select_related = ["user", "organisation"]
    fields = ["organisation", "user", "created_at", "handled_at"]
    readonly_fields = fields
