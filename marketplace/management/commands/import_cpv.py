"""Import the CPV 2008 main vocabulary with English and Bokmål labels.

    manage.py import_cpv $PILOTMARKED_DATA_DIR/cpv_2008_main_en_nb.csv

The file has the columns code, code_with_check_digit, name_en, name_nb, level,
significant_digits, parent_code (and division). Every row is validated before anything is
written; a bad row stops the import with "line N: reason" and leaves the table as it was.
"""

from __future__ import annotations

from marketplace.services.classification_import import import_cpv

from ._reference import ReferenceImportCommand


class Command(ReferenceImportCommand):
    help = "Create or update CPV codes from a CSV file (cpv_2008_main_en_nb.csv layout)."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            help="CSV file (default: cpv_2008_main_en_nb.csv in PILOTMARKED_DATA_DIR).",
        )
        self.add_dry_run(parser)

    def handle(self, *args, file: str | None = None, dry_run: bool = False, **options):
        self.verbosity = options["verbosity"]
        path = file or self.default_file("cpv_2008_main_en_nb.csv")
        self.run_import(import_cpv, dry_run=dry_run, path=path)
