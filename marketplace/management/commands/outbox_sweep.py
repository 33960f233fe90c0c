"""Deliver the outbox rows that are due, here and now (what Celery beat's ``outbox-sweep`` does).

Works without a broker: run it by hand or from cron while Redis is down. ``--loop`` repeats
until nothing is due (delivering a row can write new ones, e.g. a notification's e-mail).
Exit status 1 when rows are dead-lettered, with the count, so a cron mail says so.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from marketplace.models import OutboxMessage
from marketplace.outbox import outbox_sweep


class Command(BaseCommand):
    help = "Deliver outbox messages that are due (the broker missed them, or they failed)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Repeat until nothing is due.")
        parser.add_argument("--limit", type=int, default=1000, help="Rows per pass.")

    def handle(self, *args, loop: bool = False, limit: int = 1000, **options):
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        due = delivered = 0
        while True:
            result = outbox_sweep(limit=limit)
            due += result["due"]
            delivered += result["delivered"]
            if not loop or result["due"] == 0 or result["delivered"] == 0:
                break
        self.stdout.write(f"due: {due}, delivered: {delivered}")
        dead = OutboxMessage.objects.filter(dead_at__isnull=False, delivered_at=None).count()
        if dead:
            raise CommandError(f"{dead} outbox message(s) are dead-lettered; see the admin.")
