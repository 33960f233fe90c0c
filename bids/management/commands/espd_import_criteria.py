"""Import the ESPD criterion taxonomy from ESPD-EDM (``ESPD_EDM_DIR``) into the database."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from bids.espd.catalogue import DEFAULTS_FILE, load_rows, rows, write_defaults
from bids.espd.taxonomy import TAXONOMY_PATH, edm_dir, read_taxonomy
from bids.models import EspdCriterion


class Command(BaseCommand):
    help = (
        "Import the ESPD-EDM 4.1.0 criterion taxonomy (exclusion grounds, selection criteria) "
        "from ESPD_EDM_DIR into the criteria catalogue."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--write-defaults",
            action="store_true",
            help=f"Also rewrite the default set shipped with the code ({DEFAULTS_FILE.name}).",
        )

    def handle(self, *args, **options):
        path = edm_dir() / TAXONOMY_PATH
        if not path.exists():
            raise CommandError(f"No ESPD taxonomy at {path}; set ESPD_EDM_DIR.")
        specs = read_taxonomy(path)
        created, updated = load_rows(EspdCriterion, rows(specs))
        self.stdout.write(f"{len(specs)} criteria: {created} new, {updated} updated.")
        if options["write_defaults"]:
            count = write_defaults(specs)
            self.stdout.write(f"Wrote {count} criteria to {DEFAULTS_FILE}.")
