"""People in the Django admin; erasing one goes through ``person_erase`` (their id stays)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.errors import DomainError
from marketplace.models import User
from marketplace.services.erasure import person_erase


@admin.action(description=_("Erase the selected persons (name and e-mail; the id stays)"))
def erase_persons(modeladmin, request, queryset):
    erased = 0
    for user in queryset.filter(anonymised_at__isnull=True):
        try:
            person_erase(user=user, by=request.user)
        except DomainError as exc:
            modeladmin.message_user(request, f"#{user.pk}: {exc.message}", messages.ERROR)
            continue
        erased += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d person erased.", "%(count)d persons erased.", erased)
        % {"count": erased},
        messages.SUCCESS,
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "full_name"]
    actions = [erase_persons]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["full_name", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined", "anonymised_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
