"""Measure retrieval quality on the imported Doffin notices (``make search-quality``)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.html import strip_tags

from marketplace.progress import command_progress
from matching import quality
from matching.scoring import WEIGHTS
from matching.selectors.inference import KEEP_SHARE, NEIGHBOURS
from search.backends import get_backend
from tenders.models import Tender

COMMAND = "make search-quality"
VENDORS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
INTRO = """# Search quality

Produced by `{command}`: the real Doffin notices in `PILOTMARKED_DATA_DIR` are imported
with `import_doffin` into a scratch database; for each notice we query with its title and
description and count how many of the top 10 *other* notices are hits. Two answer keys:
**any group** (the two notices share a CPV group, three digits, among all their codes) and
**main group** (their main codes are in the same CPV group, as reference rankers elsewhere
count). Higher is better. Empty places in a top 10 count as misses.

The explained matcher runs through the production code (`matching/quality.py` says how). The
notice's words stand for a firm that has picked no CPV codes. Its CPV groups are inferred from
the {neighbours} closest other notices (`matching/selectors/inference.py`; groups with at least
{keep:.0%} of the best group's votes), and the other notices are ranked by the matcher's weighted
score (`matching.scoring.WEIGHTS`):
{weights}.
The text part is the active search backend's `text_scores`: a TF-IDF cosine over the stemmed
words of the SQLite FTS5 index, or over the lexemes of the stored PostgreSQL `norwegian`
tsvectors. The notice's own CPV codes are never shown to the matcher; they are only the answer
key.

Two references run on the same notices in the same run, with Okapi BM25 from `rank-bm25`
(k1 1.5, b 0.75) over the same stemmed words (`search.text.stems`, each query word once):
**BM25** ranks the top 10 by its score; **BM25 + {neighbours}-NN CPV vote** lets the {neighbours}
notices with the highest BM25 scores vote the CPV groups exactly as our inference does (each
adds its score to its groups; groups with at least {keep:.0%} of the best vote are kept), then
ranks the notices of the best-voted kept group first, BM25 breaking ties. What the matcher
scores above them is what our score adds over a strong simple method.

`make search-quality` measures on SQLite; with `QUALITY_DATABASE_URL` set to an empty PostgreSQL
database it measures there too. Each run replaces its own section below.
"""


def _section_title(vendor: str) -> str:
    return f"## On {VENDORS.get(vendor, vendor)}"


def merge_section(existing: str, vendor: str, section: str, intro: str) -> str:
    """``intro`` followed by the sections of ``existing``, with this vendor's one replaced."""
    sections = {}
    for part in re.split(r"(?m)^(?=## On )", existing)[1:]:
        title = part.splitlines()[0].strip()
        sections[title] = part.rstrip() + "\n"
    sections[_section_title(vendor)] = section.rstrip() + "\n"
    ordered = sorted(sections.items(), key=lambda item: item[0] != _section_title("sqlite"))
    return intro.rstrip() + "\n\n" + "\n".join(body for _title, body in ordered)


class Command(BaseCommand):
    help = (
        "For each imported Doffin notice, query with its title and description and report the "
        "share of the top 10 other notices in its CPV group (any group, main group): matcher "
        "vs BM25, BM25 with a nearest-neighbour CPV vote and a naive baseline."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--write",
            metavar="FILE",
            help="Write the figures to this Markdown file (this database's section only).",
        )

    def handle(self, *args, write=None, **options):
        tenders = Tender.objects.external().select_related("main_cpv").order_by("pk")
        by_pk = {}
        notices = []
        for tender in tenders:
            codes = [
                str(code).split("-")[0][:3]
                for code in tender.external_cpv_codes or []
                if str(code)[:3].isdigit()
            ]
            if codes:
                by_pk[tender.pk] = tender
                text = f"{tender.title} {strip_tags(tender.description)}"
                # the import keeps the notice's main code first (tenders/services/doffin.py)
                notices.append(quality.Notice(tender.pk, text, frozenset(codes), main=codes[0]))
        if len(notices) < 20:
            raise CommandError(
                f"Only {len(notices)} notices with CPV codes; import them first (import_doffin)."
            )
        vendor = connection.vendor
        backend = get_backend().name
        self.stderr.write(f"Ranking {len(notices)} notices on {vendor} ({backend} backend) …")

        try:
            import rank_bm25  # noqa: F401  (the references' library, a test extra)
        except ImportError as error:
            raise CommandError(
                "The BM25 references need rank-bm25, a test extra: make install-test."
            ) from error
        start = time.perf_counter()
        with command_progress(
            self,
            verbosity=options["verbosity"],
            total=len(notices),
            desc="matcher",
            unit="notices",
            every=100,
        ) as progress:
            run = quality.matcher_rankings(notices, by_pk, progress=progress.update)
        matcher_s = time.perf_counter() - start
        start = time.perf_counter()
        references = quality.reference_rankings(notices)
        references_s = time.perf_counter() - start
        start = time.perf_counter()
        baseline = quality.baseline_rankings(notices)
        baseline_s = time.perf_counter() - start
        groups = len({g for n in notices for g in n.groups})
        main_groups = len({n.main for n in notices})
        rows = [
            (
                "explained matcher (inferred CPV fit + backend text relevance + the rest of the "
                "score)",
                run.rankings,
                f"{matcher_s:.1f} s",
            ),
            (
                "BM25 (`rank-bm25`, same stemmed words)",
                references.bm25,
                f"both references: {references_s:.1f} s",
            ),
            (f"BM25 + {NEIGHBOURS}-NN CPV vote (as our inference votes)", references.voted, ""),
            ("naive baseline (`icontains` on the words)", baseline, f"{baseline_s:.1f} s"),
        ]
        table = [
            "| ranker | any group | main group | time for all queries |",
            "| --- | --- | --- | --- |",
        ]
        for name, rankings, seconds in rows:
            shares = [quality.precision(notices, rankings, key) for key in quality.KEYS]
            table.append(
                f"| {name} | " + " | ".join(f"{v:.1%}" for v in shares) + f" | {seconds} |"
            )
        section = "\n".join(
            [
                _section_title(vendor),
                "",
                f"Measured on {time.strftime('%Y-%m-%d')} with the `{backend}` search backend "
                f"(load average {os.getloadavg()[0]:.1f} when it ended).",
                "",
                f"- Notices with CPV codes: {len(notices)} (in {groups} CPV groups; "
                f"{main_groups} main groups)",
                f"- CPV groups inferred from the words: {run.inferred / len(notices):.1%} of the "
                f"notices; the first inferred group is one of the notice's own for "
                f"{run.inferred_right / len(notices):.1%} (BM25's vote: "
                f"{references.inferred / len(notices):.1%} and "
                f"{references.inferred_right / len(notices):.1%})",
                "",
                "Share of the top 10 that are hits, under each answer key:",
                "",
                *table,
                "",
            ]
        )
        self.stdout.write(section)
        if write:
            path = Path(write)
            intro = INTRO.format(
                command=COMMAND,
                neighbours=NEIGHBOURS,
                keep=KEEP_SHARE,
                weights=", ".join(f"{name} {weight:.2f}" for name, weight in WEIGHTS.items()),
            )
            existing = path.read_text() if path.exists() else ""
            path.write_text(merge_section(existing, vendor, section, intro))
            self.stderr.write(f"written to {write}")
