"""Publish the OCDS releases that are due: ``manage.py ocds_releases``.

For every own public tender, stores a release when its public state differs from its last
stored release (``tenders.ocds.store``). Run once after migration 0011 so existing tenders get
their releases (a planning release when their need is public, then their current state), after
``seed_demo``, and daily: a change no domain event announces (a pilot's milestone or KPI, a signed
contract) reaches the open data then. Idempotent: a second run stores nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tenders.ocds.store import releases_publish_all


class Command(BaseCommand):
    help = "Store a new OCDS release for every tender whose public state changed."

    def handle(self, *args, **options) -> None:
        stored = releases_publish_all()
        self.stdout.write(f"OCDS: {stored} release(s) published.")
