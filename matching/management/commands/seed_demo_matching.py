"""Demo saved searches for the demo suppliers (called by ``manage.py seed_demo``).

Each demo supplier's first acting member gets one search that follows its profile, and a second
search by words, so the alert pages have something to show after the demo tenders publish.
Idempotent: searches are found by organisation and name.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from marketplace.models import Membership, Organisation
from matching.models import SavedSearch
from matching.services.searches import saved_search_create
from tenders.selectors.dialogue import SUPPLIER_ACTING_ROLES

SEARCHES = [
    {"name": "Alt som passer profilen vår", "use_profile": True},
    {"name": "Piloter", "text": "", "use_profile": True, "pilots_only": True},
]


class Command(BaseCommand):
    help = "Create demo saved searches for the demo suppliers (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        suppliers = Organisation.objects.suppliers().filter(profile__isnull=False).order_by("pk")
        for organisation in suppliers:
            membership = (
                Membership.objects.filter(
                    organisation=organisation,
                    role__in=SUPPLIER_ACTING_ROLES,
                    user__is_active=True,
                )
                .select_related("user")
                .order_by("pk")
                .first()
            )
            if membership is None:
                continue
            for fields in SEARCHES:
                if SavedSearch.objects.filter(
                    organisation=organisation, name=fields["name"]
                ).exists():
                    continue
                saved_search_create(organisation=organisation, by=membership.user, **fields)
                created += 1
        self.stdout.write(f"  matching: {created} demo saved searches added")
