#!/usr/bin/env python3
"""Check the committed message catalogs: complete, not fuzzy, and compiled.

For every ``locale/<lang>/LC_MESSAGES/django.po`` this fails (exit 1, one line per problem) when

- an entry is marked fuzzy,
- a non-header entry has no translation (for plural entries: any form is empty),
- ``django.mo`` next to it is missing, or
- ``django.mo`` (read with ``gettext.GNUTranslations``) does not hold exactly the ``.po``'s
  translations, plural forms included: someone edited the ``.po`` and did not compile it.

No ``locale`` folder, or no catalogs in it, passes. Standard library only; ``make lint`` runs it.

Usage: ``python scripts/check_messages.py [LOCALE_DIR]`` (default: ``locale`` in the project).
"""

from __future__ import annotations

import gettext
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTEXT_SEPARATOR = "\x04"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE_RE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)")
_KEYWORD_RE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


class POSyntaxError(ValueError):
    pass


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def key(self) -> str:
        if self.msgctxt is None:
            return self.msgid
        return f"{self.msgctxt}{CONTEXT_SEPARATOR}{self.msgid}"

    @property
    def label(self) -> str:
        text = self.msgid if len(self.msgid) <= 60 else self.msgid[:57] + "..."
        return repr(text)


def _unescape(text: str) -> str:
    def replace(match: re.Match) -> str:
        code = match.group(1)
        if code[0] == "x":
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        return _ESCAPES.get(code, code)

    return _ESCAPE_RE.sub(replace, text)


def _string(literal: str, path: Path, number: int) -> str:
    if len(literal) < 2 or not (literal.startswith('"') and literal.endswith('"')):
        raise POSyntaxError(f"{path}:{number}: expected a quoted string")
    return _unescape(literal[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file; obsolete (``#~``) entries are left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # which field continuation lines extend

    def finish() -> None:
        nonlocal current, target
        if current is not None and (current.msgstr or current.msgid or current.msgid_plural):
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:
                finish()
            if current is None:
                current = Entry(line=number)
            if line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise POSyntaxError(f"{path}:{number}: string outside an entry")
            text = _string(line, path, number)
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += text
            else:
                setattr(current, name, (getattr(current, name) or "") + text)
            continue
        match = _KEYWORD_RE.match(line)
        if match is None:
            raise POSyntaxError(f"{path}:{number}: cannot read {raw!r}")
        keyword, index, literal = match.groups()
        text = _string(literal, path, number)
        if keyword in {"msgctxt", "msgid"} and current is not None and current.msgstr:
            finish()
        if current is None:
            current = Entry(line=number)
        if keyword.startswith("msgstr"):
            position = int(index) if index is not None else 0
            current.msgstr[position] = text
            target = ("msgstr", position)
        else:
            setattr(current, keyword, text)
            target = (keyword, None)
    finish()
    return entries


def expected_catalog(entries: list[Entry]) -> dict:
    """What ``GNUTranslations._catalog`` holds after msgfmt compiles these (translated) entries."""
    catalog: dict = {}
    for entry in entries:
        if "fuzzy" in entry.flags and not entry.is_header:
            continue
        if entry.msgid_plural is not None:
            if all(entry.msgstr.values()):
                for index, text in entry.msgstr.items():
                    catalog[(entry.key, index)] = text
        elif entry.msgstr.get(0):
            catalog[entry.key] = entry.msgstr[0]
    return catalog


def check_catalog(po_path: Path, display: Path | None = None) -> list[str]:
    shown = display or po_path
    problems: list[str] = []
    try:
        entries = parse_po(po_path)
    except (POSyntaxError, UnicodeDecodeError) as error:
        return [f"{shown}: cannot parse: {error}"]
    for entry in entries:
        where = f"{shown}:{entry.line}"
        if "fuzzy" in entry.flags:
            what = "the header" if entry.is_header else entry.label
            problems.append(f"{where}: fuzzy entry {what}")
        if entry.is_header:
            continue
        if not entry.msgstr or not all(entry.msgstr.values()):
            problems.append(f"{where}: untranslated entry {entry.label}")

    mo_path = po_path.with_suffix(".mo")
    shown_mo = shown.with_suffix(".mo")
    if not mo_path.exists():
        problems.append(f"{shown_mo}: missing; compile the catalog (make messages)")
        return problems
    try:
        with mo_path.open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)._catalog
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{shown_mo}: cannot read: {error}")
        return problems
    expected = expected_catalog(entries)
    compiled_keys = {key for key in compiled if key != ""}
    expected_keys = {key for key in expected if key != ""}
    for key in sorted(expected_keys - compiled_keys, key=str):
        problems.append(f"{shown_mo}: lacks {_describe(key)}; recompile it")
    for key in sorted(compiled_keys - expected_keys, key=str):
        problems.append(f"{shown_mo}: has {_describe(key)}, which the .po does not; recompile it")
    for key in sorted(expected_keys & compiled_keys, key=str):
        if compiled[key] != expected[key]:
            problems.append(f"{shown_mo}: differs from the .po for {_describe(key)}; recompile it")
    return problems


def _describe(key) -> str:
    if isinstance(key, tuple):
        msgid, index = key
        return f"{msgid.split(CONTEXT_SEPARATOR)[-1]!r} (plural form {index})"
    return repr(key.split(CONTEXT_SEPARATOR)[-1])


def check_locale_dir(locale_dir: Path) -> list[str]:
    problems: list[str] = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/django.po")):
        try:
            display = po_path.relative_to(Path.cwd())
        except ValueError:
            display = po_path
        problems.extend(check_catalog(po_path, display))
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    locale_dir = Path(args[0]) if args else ROOT / "locale"
    if not locale_dir.is_dir():
        print(f"check_messages: no {locale_dir}, nothing to check")
        return 0
    problems = check_locale_dir(locale_dir)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    count = len(list(locale_dir.glob("*/LC_MESSAGES/django.po")))
    print(f"check_messages: {count} catalog(s) complete and compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
