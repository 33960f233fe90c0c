"""The audit log in the Django admin: read-only, for site staff looking into what happened.

Events are only ever written by ``audit_record``; the database refuses changes anyway. Staff
with the "view audit event" permission (and superusers) can browse and search them. The actor is
shown by resolving the stored user id now ("erased user #12" after erasure). Refused-access
tallies (how many refusals each first event stands for) have their own read-only list.
"""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from marketplace.audit_visibility import visible_events
from marketplace.models import AuditEvent
from marketplace.models.audit import RefusalTally


def _pretty(value) -> str:
    if value is None:
        return "—"
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return format_html('<pre class="audit-json">{}</pre>', text)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "occurred_at",
        "action",
        "actor_name",
        "object_type",
        "object_repr",
        "organisation_id",
        "request_id",
    ]
    list_select_related = ["actor"]
    list_display_links = ["id", "occurred_at"]
    list_filter = ["action", "object_type"]
    search_fields = ["=actor__id", "object_repr", "request_id"]
    date_hierarchy = "occurred_at"
    ordering = ["-id"]
    list_per_page = 50
    # Counting a long log on every page costs more than it tells.
    show_full_result_count = False
    fields = [
        "occurred_at",
        "action",
        "actor_name",
        "actor_label",
        "object_type",
        "object_id",
        "object_repr",
        "organisation_id",
        "request_id",
        "before_json",
        "after_json",
        "prev_hash",
        "hash",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # Events that would name a bidder before the opening stay out of sight (not out of the
        # chain): see marketplace.audit_visibility.
        return visible_events(super().get_queryset(request))

    actions = None

    @admin.display(description=_("actor"))
    def actor_name(self, event: AuditEvent) -> str:
        return event.actor_display()

    @admin.display(description=_("before"))
    def before_json(self, event: AuditEvent) -> str:
        return _pretty(event.before)

    @admin.display(description=_("after"))
    def after_json(self, event: AuditEvent) -> str:
        return _pretty(event.after)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RefusalTally)
class RefusalTallyAdmin(admin.ModelAdmin):
    """How many refusals each window counted: the chain holds only the first and a summary."""

    list_display = [
        "action",
        "count",
        "actor_name",
        "address",
        "first_seen_at",
        "last_seen_at",
        "opened_event_id",
        "summarised_at",
    ]
    list_select_related = ["actor"]
    list_filter = ["action"]
    search_fields = ["=address", "=actor__id"]
    date_hierarchy = "first_seen_at"
    ordering = ["-last_seen_at"]
    fields = [*list_display, "organisation_id"]
    readonly_fields = fields
    actions = None

    @admin.display(description=_("actor"))
    def actor_name(self, tally: RefusalTally) -> str:
        return tally.actor_display()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
