"""Rebuild the Elasticsearch percolator index of saved searches (alerts on Elasticsearch)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from marketplace.progress import command_progress
from matching import percolator_index
from matching.models import SavedSearch

BATCH = 500


class Command(BaseCommand):
    help = "Store every saved search in the Elasticsearch percolator index (--rebuild)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="store every saved search")

    def handle(self, *args, rebuild: bool, **options):
        if not percolator_index.uses_percolator():
            raise CommandError("the search backend is not Elasticsearch; alerts use SQL here")
        searches = SavedSearch.objects.order_by("pk")
        total = searches.count()
        self.stdout.write(f"saved searches: {total}; index: {percolator_index.index_name()}")
        if not rebuild:
            return
        done = 0
        try:
            with command_progress(
                self,
                verbosity=options["verbosity"],
                total=total,
                desc="saved searches stored",
                unit="searches",
                every=1,  # a line a batch
            ) as progress:
                for start in range(0, total, BATCH):
                    done += percolator_index.index_searches(list(searches[start : start + BATCH]))
                    progress.update(done)
        except percolator_index.PercolatorUnavailable as exc:
            raise CommandError(f"Elasticsearch cannot be reached: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"stored {done} saved searches"))
