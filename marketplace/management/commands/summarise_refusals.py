"""Write the audit summaries of closed refused-access windows, then prune old tallies.

Run it periodically (every few minutes is plenty; it is idempotent). Summaries are otherwise only
written when the same person and address are refused again. Tallies hold IP addresses, so those
older than ``AUDIT_REFUSAL_RETENTION_DAYS`` (and summarised) are deleted. See
``marketplace.services.refusals``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from marketplace.services.refusals import refusal_tallies_prune, refusals_summarise


class Command(BaseCommand):
    help = "Summarise closed refused-access windows into the audit chain; prune old tallies."

    def handle(self, *args, **options):
        written = refusals_summarise()
        pruned = refusal_tallies_prune()
        self.stdout.write(f"Refusal summaries written: {written}; tallies pruned: {pruned}")
