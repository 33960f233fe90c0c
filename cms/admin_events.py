"""Wagtail admin: the people registered for events (read, search, export; no editing)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from cms.models import EventRegistration


class EventRegistrationViewSet(ModelViewSet):
    model = EventRegistration
    menu_label = _("Event registrations")
    icon = "group"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "email", "organisation", "event", "registered_at"]
    list_export = ["name", "email", "organisation", "event", "registered_at"]
    search_fields = ["name", "email", "organisation"]
    inspect_view_enabled = True
    form_fields = ["name", "email", "organisation"]


event_registration_viewset = EventRegistrationViewSet("event_registrations")
