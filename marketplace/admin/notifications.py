"""Notifications in the Django admin: what was sent is read-only; preferences can be set."""

from django.contrib import admin

from marketplace.audit_visibility import hidden_notification_kinds
from marketplace.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "recipient",
        "kind",
        "delivery",
        "created_at",
        "read_at",
        "emailed_at",
    ]
    list_filter = ["kind", "delivery", "created_at"]
    search_fields = ["subject", "key", "recipient__email"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [
        "recipient",
        "kind",
        "key",
        "subject",
        "body",
        "url",
        "delivery",
        "created_at",
        "read_at",
        "emailed_at",
    ]

    def has_add_permission(self, request) -> bool:
        # Notifications are made by notify(), never by hand.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # What a person was told stays as it was; staff may look, not rewrite.
        return False

    def get_queryset(self, request):
        # Notifications about bids name a bidder and a tender: never listed here.
        return super().get_queryset(request).exclude(kind__in=hidden_notification_kinds())


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "frequency"]
    list_filter = ["kind", "frequency"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
