"""Import the SN2007 industry classification (Norwegian NACE rev. 2) in Bokmål.

    manage.py import_industry_codes $PILOTMARKED_DATA_DIR/sn2007_naeringsgruppering_nb.csv

Columns: code, parentCode, level, name, shortName (others are ignored). Levels 1 (sections A–U,
no parent) to 5. Validated in full before anything is written.
"""

from __future__ import annotations

from marketplace.services.classification_import import import_industry_codes

from ._reference import ReferenceImportCommand


class Command(ReferenceImportCommand):
    help = "Create or update SN2007 industry codes from a CSV file (SSB Klass layout)."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            help="CSV file (default: sn2007_naeringsgruppering_nb.csv in PILOTMARKED_DATA_DIR).",
        )
        self.add_dry_run(parser)

    def handle(self, *args, file: str | None = None, dry_run: bool = False, **options):
        self.verbosity = options["verbosity"]
        path = file or self.default_file("sn2007_naeringsgruppering_nb.csv")
        self.run_import(import_industry_codes, dry_run=dry_run, path=path)
