"""``runserver`` that also starts the in-process scheduler (``marketplace.scheduler``) when the
settings ask for it, so the embedded default closes tenders and needs at their deadlines and
publishes scheduled pages with no worker. Everything else is the staticfiles ``runserver``."""

from __future__ import annotations

from django.contrib.staticfiles.management.commands.runserver import (
    Command as StaticfilesRunserver,
)

from marketplace.scheduler import start_if_enabled


class Command(StaticfilesRunserver):
    def inner_run(self, *args, **options):
        # inner_run runs in the process that serves (the autoreloader's child), once per start.
        start_if_enabled()
        super().inner_run(*args, **options)
