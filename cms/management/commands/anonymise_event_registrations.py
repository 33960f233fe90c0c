"""Blank the names and e-mail addresses of event registrations some days after the event.

Run it daily (cron or Celery beat): ``manage.py anonymise_event_registrations --days 30``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cms.models.registrations import REGISTRATION_RETENTION_DAYS
from cms.services.event_retention import event_registrations_anonymise
from marketplace.errors import DomainError


class Command(BaseCommand):
    help = "Anonymise registrations for events that ended at least --days days ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=REGISTRATION_RETENTION_DAYS,
            help="Days after the event to keep personal data (default %(default)s).",
        )

    def handle(self, *args, days: int, **options):
        self.stdout.write(f"Anonymising registrations for events that ended {days}+ days ago …")
        try:
            changed = event_registrations_anonymise(days=days)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"Anonymised {changed} registration(s)."))
