"""Import Doffin notices as external tenders.

    manage.py import_doffin $PILOTMARKED_DATA_DIR/doffin_eforms_xml \
        $PILOTMARKED_DATA_DIR/doffin_contract_notices_F02_2020.json

Each PATH is an eForms XML notice (.xml), a JSON scrape of F02 contract notices (.json), or a
folder holding such files. Running it again updates what changed and duplicates nothing.

Each file is imported in its own transaction. A malformed file (or one bad entry in it) is
reported with its name and position and nothing of that file is written; the other files are
still imported, because one broken notice should not hold back the rest, and the command then
exits with status 1 naming the files that failed.

With ``--skip-invalid`` an entry of a file that cannot be read or stored (a deadline of "NA") is
left out on its own, nothing of it written, and listed with its position and reason; the valid
entries are imported. The command then exits with status 3 (``EXIT_SKIPPED``), saying how many
were skipped, so a nightly job notices; a file that cannot be read at all still fails (status 1).

Progress goes to stderr (``marketplace.progress``): a bar on a terminal, lines elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from marketplace.progress import command_progress
from tenders.doffin import MalformedNotice, read_entries
from tenders.services.doffin import DoffinImportError, doffin_notices_import

SUFFIXES = (".xml", ".json")
MISSING_CPV_SHOWN = 12
EXIT_FAILED = 1
EXIT_SKIPPED = 3


class Command(BaseCommand):
    help = "Create or update external tenders from Doffin eForms XML notices and JSON scrapes."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="A file or a folder.")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help=(
                "Import the valid entries of a file and list each invalid one with its reason "
                f"(exit status {EXIT_SKIPPED}), instead of refusing the whole file."
            ),
        )

    def handle(self, *args, paths: list[str], skip_invalid: bool = False, **options):
        files = self._files(paths)
        failed: list[str] = []
        skipped_count = 0
        totals = {"created": 0, "updated": 0, "unchanged": 0}
        for number, path in enumerate(files, 1):
            self.stdout.write(f"[{number}/{len(files)}] {path.name}")
            try:
                entries = read_entries(path)
                unreadable = [(p, e) for p, e in entries if isinstance(e, MalformedNotice)]
                if unreadable and not skip_invalid:
                    raise unreadable[0][1]
                notices = [(p, e) for p, e in entries if not isinstance(e, MalformedNotice)]
                with command_progress(
                    self,
                    verbosity=options["verbosity"],
                    total=len(notices),
                    desc=path.name,
                    unit="notices",
                    every=1,  # the service reports every 250 notices
                ) as progress:
                    result = doffin_notices_import(
                        notices=notices,
                        source_name=path.name,
                        progress=progress.update,
                        skip_invalid=skip_invalid,
                    )
            except (MalformedNotice, DoffinImportError) as exc:
                failed.append(path.name)
                self.stderr.write(
                    self.style.ERROR(f"  {path.name}, {exc}; nothing from this file was imported")
                )
                continue
            except OSError as exc:
                failed.append(path.name)
                self.stderr.write(self.style.ERROR(f"  {path.name}: cannot be read ({exc})"))
                continue
            for key in totals:
                totals[key] += getattr(result, key)
            self.stdout.write(
                f"  {result.total} notices: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged"
            )
            for position, first in result.duplicates:
                self.stdout.write(f"  {position} repeats {first}; skipped")
            skipped = [(p, e.reason) for p, e in unreadable] + result.skipped
            for position, reason in skipped:
                self.stderr.write(
                    self.style.WARNING(f"  {path.name}, {position} skipped: {reason}")
                )
            skipped_count += len(skipped)
            if result.missing_cpv:
                codes = sorted(result.missing_cpv)
                shown = ", ".join(codes[:MISSING_CPV_SHOWN])
                more = f" and {len(codes) - MISSING_CPV_SHOWN} more" if len(codes) > 12 else ""
                self.stdout.write(
                    f"  {len(codes)} CPV codes are not in the CPV table (kept on the tender, "
                    f"not linked; run import_cpv): {shown}{more}"
                )
        imported = len(files) - len(failed)
        summary = (
            f"Doffin import: {totals['created']} created, {totals['updated']} updated, "
            f"{totals['unchanged']} unchanged from {imported} of {len(files)} files."
        )
        if skipped_count:
            entries = "entry" if skipped_count == 1 else "entries"
            summary += f" Skipped {skipped_count} invalid {entries} (listed above)."
        if failed:
            raise CommandError(f"{summary} Failed: {', '.join(failed)}.", returncode=EXIT_FAILED)
        if skipped_count:
            raise CommandError(summary, returncode=EXIT_SKIPPED)
        self.stdout.write(self.style.SUCCESS(summary))

    def _files(self, paths: list[str]) -> list[Path]:
        files: list[Path] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                found = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
                if not found:
                    raise CommandError(f"{path}: the folder holds no .xml or .json files.")
                files.extend(found)
            elif path.is_file():
                if path.suffix.lower() not in SUFFIXES:
                    raise CommandError(f"{path}: not an .xml or .json file.")
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder.")
        return files
