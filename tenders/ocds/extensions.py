"""The OCDS extensions our releases use, pinned, and the merge rules of the schema they make.

Each extension is named in every package's ``extensions`` by the official URL of its
``extension.json`` (a tag or commit, so the meaning of the data never moves under a reader), and a
faithful copy of its files lives in ``extensions/<name>/`` so tests validate offline:

- Lots (v1.1.5): ``tender.lots``, ``items.relatedLot``, ``awards.relatedLots``.
- Suitability: ``lots[].suitability.sme`` (a lot suitable for small and medium enterprises).
- Metrics: ``contracts[].implementation.metrics`` (a pilot's KPIs: baseline, target, measured).

``merge_rules.json`` holds ocdsmerge's rules for OCDS 1.1.5 with these extensions applied, so
compiling a record needs no download; a test recomputes them from the standard's schema.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXTENSION_DIR = HERE / "extensions"
_RAW = "https://raw.githubusercontent.com/open-contracting-extensions"

# (folder under extensions/, official extension.json URL), in the order they are applied.
EXTENSIONS: tuple[tuple[str, str], ...] = (
    ("lots", f"{_RAW}/ocds_lots_extension/v1.1.5/extension.json"),
    (
        "suitability",
        f"{_RAW}/ocds_suitability_extension/271f51cef1160e66d8952a7e683f1d8375efcc95/extension.json",
    ),
    (
        "metrics",
        f"{_RAW}/ocds_metrics_extension/fad91df868907e339e5b3b4af5c334e02b80fa4f/extension.json",
    ),
)


def extension_urls() -> list[str]:
    return [url for _name, url in EXTENSIONS]


def extension_patches() -> list[dict]:
    """Each extension's release-schema.json patch, in order (JSON Merge Patch, RFC 7386)."""
    return [
        json.loads((EXTENSION_DIR / name / "release-schema.json").read_text())
        for name, _url in EXTENSIONS
    ]


@cache
def merge_rules() -> dict[tuple[str, ...], str]:
    """ocdsmerge's rules (a JSON path as a tuple: "omitWhenMerged" or "wholeListMerge")."""
    rows = json.loads((HERE / "merge_rules.json").read_text())
    return {tuple(path): rule for path, rule in rows}
