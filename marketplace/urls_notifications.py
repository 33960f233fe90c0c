"""The inbox, e-mail preferences and unsubscribe links (included from marketplace/urls.py)."""

from django.urls import path

from marketplace.views import notifications

urlpatterns = [
    path("varsler/", notifications.inbox, name="notification_inbox"),
    path("varsler/<int:pk>/", notifications.detail, name="notification_detail"),
    path("varsler/les-alle/", notifications.mark_all_read, name="notification_mark_all_read"),
    path("varsler/innstillinger/", notifications.preferences, name="notification_preferences"),
    path(
        "varsler/avmeld/<str:token>/",
        notifications.unsubscribe,
        name="notification_unsubscribe",
    ),
]
