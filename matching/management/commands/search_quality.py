"""Measure retrieval quality on the imported Doffin notices (``make search-quality``)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.html import strip_tags

from matching import quality
from tenders.models import Tender

COMMAND = "make search-quality"


class Command(BaseCommand):
    help = (
        "For each imported Doffin notice, query with its title and description and report the "
        "share of the top 10 other notices that share its CPV group: matcher vs baseline."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--write", metavar="FILE", help="Write the figures to this Markdown file."
        )

    def handle(self, *args, write=None, **options):
        rows = Tender.objects.external().values_list(
            "pk", "title", "description", "external_cpv_codes"
        )
        notices = []
        for pk, title, description, codes in rows.order_by("pk"):
            groups = frozenset(
                str(code).split("-")[0][:3] for code in codes or [] if str(code)[:3].isdigit()
            )
            if groups:
                notices.append(quality.Notice(pk, f"{title} {strip_tags(description)}", groups))
        if len(notices) < 20:
            raise CommandError(
                f"Only {len(notices)} notices with CPV codes; import them first (import_doffin)."
            )
        self.stderr.write(f"Ranking {len(notices)} notices …")
        start = time.perf_counter()
        matcher = quality.precision(notices, quality.matcher_rankings(notices))
        matcher_s = time.perf_counter() - start
        start = time.perf_counter()
        baseline = quality.precision(notices, quality.baseline_rankings(notices))
        baseline_s = time.perf_counter() - start
        groups = len({g for n in notices for g in n.groups})
        lines = [
            "# Search quality",
            "",
            f"Produced by `{COMMAND}` on {time.strftime('%Y-%m-%d')}: the real Doffin notices in "
            "`PILOTMARKED_DATA_DIR` are imported with `import_doffin` into a scratch database; "
            "for each notice we query with its title and description and count how many of the "
            "top 10 *other* notices share its CPV group (three digits). Higher is better.",
            "",
            f"- Notices with CPV codes: {len(notices)} (in {groups} CPV groups)",
            "",
            "| ranker | share of top 10 in the same CPV group | time for all queries |",
            "| --- | --- | --- |",
            "| explained matcher (text relevance + CPV group votes) | "
            f"{matcher:.1%} | {matcher_s:.1f} s |",
            f"| naive baseline (`icontains` on the words) | {baseline:.1%} | {baseline_s:.1f} s |",
            "",
            "The matcher's weights are `matching.scoring.WEIGHTS`; the method is described in "
            "`matching/quality.py`.",
            "",
        ]
        text = "\n".join(lines)
        self.stdout.write(text)
        if write:
            Path(write).write_text(text)
            self.stderr.write(f"written to {write}")
