"""What the reference-list import commands share: options, progress (marketplace.progress) and
the report."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace.progress import command_progress
from marketplace.services.reference_import import ImportReport, ReferenceFileError

# With -v1 at most this many keys of created/updated rows are listed; -v2 lists them all.
LISTED_KEYS = 10


class ReferenceImportCommand(BaseCommand):
    def add_dry_run(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and report what would change, then roll everything back.",
        )

    def default_file(self, name: str) -> Path:
        return Path(settings.PILOTMARKED_DATA_DIR) / name

    def run_import(self, function, *, dry_run: bool, **kwargs) -> list[ImportReport]:
        """Call the import service; turn its errors into one-line command errors."""
        try:
            with command_progress(
                self, verbosity=self.verbosity, total=None, desc="rows checked", every=1
            ) as progress:  # the service reports every PROGRESS_EVERY rows
                reports = function(dry_run=dry_run, progress=progress.update, **kwargs)
        except ReferenceFileError as error:
            raise CommandError(error.message) from error
        if not isinstance(reports, list):
            reports = [reports]
        for report in reports:
            self.print_report(report, dry_run=dry_run)
        return reports

    def print_report(self, report: ImportReport, *, dry_run: bool) -> None:
        if self.verbosity < 1:
            return
        for verb, keys in (("created", report.created), ("updated", report.updated)):
            if not keys:
                continue
            shown = keys if self.verbosity >= 2 else keys[:LISTED_KEYS]
            more = f" and {len(keys) - len(shown)} more" if len(shown) < len(keys) else ""
            self.stdout.write(f"  {verb}: {', '.join(shown)}{more}")
        prefix = "Dry run, nothing saved: " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{report.label}: {report.summary()}"))
