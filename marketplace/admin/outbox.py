"""The outbox in the Django admin: the dead-letter list for the site administrator.

Rows are written and delivered by ``marketplace.outbox``; here the administrator sees what is
pending, delivered or dead-lettered (with the last error) and can send dead rows again. Only
superusers see it: a payload names people and tenders by key. Rows about bids (receipts, and
e-mails of bid notifications) are never listed (``marketplace.audit_visibility.visible_outbox``):
their number would be the number of bids or bidders before opening.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.audit_visibility import visible_outbox
from marketplace.models import OutboxMessage
from marketplace.outbox import outbox_retry


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("dead", _("Dead-lettered")),
            ("pending", _("Pending")),
            ("delivered", _("Delivered")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "dead":
            return queryset.filter(dead_at__isnull=False)
        if self.value() == "pending":
            return queryset.filter(dead_at=None, delivered_at=None)
        if self.value() == "delivered":
            return queryset.filter(delivered_at__isnull=False)
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "topic",
        "delivery_key",
        "created_at",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "dead_at",
    ]
    list_filter = [StateFilter, "topic"]
    search_fields = ["delivery_key", "topic"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "topic",
        "payload",
        "delivery_key",
        "created_at",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "dead_at",
        "last_error",
    ]
    actions = ["retry"]

    def get_queryset(self, request):
        return visible_outbox(super().get_queryset(request))

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The retry action needs it; the fields themselves are read-only.
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Send the selected messages again"))
    def retry(self, request, queryset):
        count = outbox_retry(messages=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d message will be sent again.",
                "%(count)d messages will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
