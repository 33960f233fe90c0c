"""Import Norway's counties and municipalities, and the counties' NUTS-3 codes (eForms).

    manage.py import_places [--counties FILE] [--municipalities FILE] [--nuts FILE]

Without options the three files are read from PILOTMARKED_DATA_DIR (norway_counties_2024.csv,
norway_municipalities_2024.csv, nuts3_norway_eforms_sdk_nor.csv). All files are validated before
anything is written; a bad row stops the import with "line N: reason".
"""

from __future__ import annotations

from marketplace.services.places_import import PlacesFiles, counties_without_nuts, import_places

from ._reference import ReferenceImportCommand

DEFAULTS = {
    "counties": "norway_counties_2024.csv",
    "municipalities": "norway_municipalities_2024.csv",
    "nuts": "nuts3_norway_eforms_sdk_nor.csv",
}


class Command(ReferenceImportCommand):
    help = "Create or update counties, municipalities and the counties' NUTS-3 codes."

    def add_arguments(self, parser):
        for name, default in DEFAULTS.items():
            parser.add_argument(
                f"--{name}", metavar="FILE", help=f"CSV file (default: {default} in the data dir)."
            )
        self.add_dry_run(parser)

    def handle(self, *args, dry_run: bool = False, **options):
        self.verbosity = options["verbosity"]
        given = {name: options[name] for name in DEFAULTS if options.get(name)}
        # Naming some files imports only those; naming none imports all three defaults.
        paths = given or {name: self.default_file(file) for name, file in DEFAULTS.items()}
        self.run_import(import_places, dry_run=dry_run, files=PlacesFiles(**paths))
        missing = counties_without_nuts()
        if "nuts" in paths and missing and self.verbosity >= 1:
            self.stdout.write(
                self.style.WARNING(f"  no NUTS-3 code found for: {', '.join(missing)}")
            )
