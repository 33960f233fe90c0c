"""Rebuild the search index, or show what it holds.

    manage.py search_index --rebuild               every kind, built aside then swapped in
    manage.py search_index --rebuild --kind tender one kind (repeat --kind for more)
    manage.py search_index                         counts per kind and the backend's status

Exit codes: 0 done, 1 the backend could not be reached or failed (one line on stderr), 2 bad
arguments.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from search import index_entries as docs
from search import indexing
from search.backends import get_backend
from search.backends.base import SearchUnavailable

BAR_WIDTH = 30


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
            self._bar(name, 0, total)
            try:
                written = indexing.rebuild(
                    name, progress=lambda count, n=name, t=total: self._bar(n, count, t)
                )
            except SearchUnavailable as exc:
                raise CommandError(f"Rebuilding the {name} index failed: {exc}") from exc
            if self.verbosity >= 1:
                self.stdout.write("")
                self.stdout.write(self.style.SUCCESS(f"{name}: {written:,} documents indexed"))

    def _bar(self, kind: str, done: int, total: int) -> None:
        if self.verbosity < 1:
            return
        share = done / total if total else 1.0
        filled = int(share * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stdout.write(f"\r{kind:<9} [{bar}] {done:>7,}/{total:,}", ending="")
        self.stdout.flush()
