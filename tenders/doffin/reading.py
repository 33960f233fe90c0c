"""Reading a file of Doffin notices: eForms UBL XML (one notice) or the JSON scrape (a list).

The format is told by the file's suffix; the parsers are ``eforms`` and ``scrape``, both pure.
"""

from __future__ import annotations

from pathlib import Path

from . import eforms, scrape
from .notices import DoffinNotice, MalformedNotice


def read_entries(path: Path) -> list[tuple[str, DoffinNotice | MalformedNotice]]:
    """Every entry in ``path`` with its position: the notice, or the MalformedNotice saying why
    that entry cannot be read. A file that cannot be read at all (not XML, not a JSON list, an
    eForms notice with a bad value: one file, one notice) raises MalformedNotice."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return [("notice", eforms.parse(path.read_bytes()))]
    if suffix == ".json":
        return scrape.parse_entries(path.read_bytes())
    raise MalformedNotice("file", f"unknown format {suffix or '(no extension)'}; use .xml or .json")


def read_notices(path: Path) -> list[tuple[str, DoffinNotice]]:
    """Every notice in ``path`` with its position; the first entry that cannot be read raises
    MalformedNotice. Reads the file whole."""
    entries = read_entries(path)
    for _position, entry in entries:
        if isinstance(entry, MalformedNotice):
            raise entry
    return entries
