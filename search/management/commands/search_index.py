"""Rebuild the search index, or show what it holds.

    manage.py search_index --rebuild               every kind, built aside then swapped in
    manage.py search_index --rebuild --kind tender one kind (repeat --kind for more)
    manage.py search_index                         counts per kind and the backend's status

Progress goes to stderr (``marketplace.progress``): a bar on a terminal, lines elsewhere.

Exit codes: 0 done, 1 the backend could not be reached or failed (one line on stderr), 2 bad
arguments.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from marketplace.progress import command_progress
from search import index_entries as docs
from search import indexing
from search.backends import get_backend
from search.backends.base import SearchUnavailable


class Command(BaseCommand):
    help = "Rebuild the search index without downtime, or report what it holds."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Rebuild the index from the database."
        )
        parser.add_argument(
            "--kind",
            action="append",
            choices=docs.Kind.ALL,
            help="Only this kind (may be repeated). Default: every kind.",
        )

    def handle(self, *args, rebuild: bool, kind: list[str] | None, **options):
        self.verbosity = options["verbosity"]
        kinds = kind or list(docs.Kind.ALL)
        backend = get_backend()
        status = backend.status()
        if not status.ok:
            raise CommandError(
                f"The {status.name} search backend is not available: {status.detail}"
            )
        if not rebuild:
            for name in kinds:
                self.stdout.write(f"{name}: {indexing.rebuild_count(name):,} indexable objects")
            self.stdout.write(f"backend: {status.name} ({status.detail})")
            return
        for name in kinds:
            total = indexing.rebuild_count(name)
            try:
                with command_progress(
                    self,
                    verbosity=self.verbosity,
                    total=total,
                    desc=name,
                    unit="documents",
                    every=1,
                ) as progress:  # the backend reports once a batch
                    written = indexing.rebuild(name, progress=progress.update)
            except SearchUnavailable as exc:
                raise CommandError(f"Rebuilding the {name} index failed: {exc}") from exc
            if self.verbosity >= 1:
                self.stdout.write(self.style.SUCCESS(f"{name}: {written:,} documents indexed"))
