"""Shared machinery for importing official reference lists (CPV, SN2007, places) from CSV files.

Every import follows the same rules: read and validate the whole file first (a bad line stops
everything with "line N: reason" and nothing is written), then write in one transaction with
``bulk_create``/``bulk_update`` in batches, parents before children. Rows already equal to the
file are left alone, so a second run reports "0 created, 0 updated, N unchanged". Rows in the
database that the file does not name are kept (other data may point at them).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models

from marketplace.errors import DomainError

BATCH_SIZE = 1000
PROGRESS_EVERY = 1000

Progress = Callable[[int], None]


class ReferenceFileError(DomainError):
    """A reference file cannot be imported. The message names the line: ``line 12: reason``."""

    code = "reference_file_invalid"

    def __init__(self, reason: str, *, line: int | None = None):
        super().__init__(f"line {line}: {reason}" if line is not None else reason)
        self.line = line
        self.reason = reason


@dataclass
class ImportReport:
    """What one import did to one table. ``created``/``updated`` hold the keys of the rows."""

    label: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        created, updated = len(self.created), len(self.updated)
        return f"{created} created, {updated} updated, {self.unchanged} unchanged"

    def as_dict(self) -> dict:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
        }


def read_rows(
    path: Path | str, *, columns: tuple[str, ...], progress: Progress | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line number, row)`` for each record of a UTF-8 CSV file with a header line.

    The line number is the file line the record starts on (the header is line 1), so messages
    point where an editor would. Values are stripped of surrounding white space.
    """
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise ReferenceFileError(f"cannot read {path}: {error.strerror or error}") from error
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames
        except UnicodeDecodeError as error:
            raise ReferenceFileError("the file is not UTF-8 text", line=1) from error
        if not header:
            raise ReferenceFileError(f"{path.name} is empty", line=1)
        missing = [name for name in columns if name not in header]
        if missing:
            raise ReferenceFileError(f"missing column(s): {', '.join(missing)}", line=1)
        start = reader.line_num + 1
        count = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except (csv.Error, UnicodeDecodeError) as error:
                raise ReferenceFileError(f"unreadable CSV ({error})", line=start) from error
            if None in row or None in row.values():
                found = (
                    len(header) + len(row[None])
                    if None in row
                    else sum(value is not None for value in row.values())
                )
                raise ReferenceFileError(
                    f"expected {len(header)} columns, found {found}", line=start
                )
            yield start, {key: value.strip() for key, value in row.items()}
            count += 1
            if progress and count % PROGRESS_EVERY == 0:
                progress(count)
            start = reader.line_num + 1


def require(condition: bool, reason: str, line: int) -> None:
    if not condition:
        raise ReferenceFileError(reason, line=line)


def check_length(value: str, limit: int, what: str, line: int) -> None:
    require(bool(value), f"{what} is empty", line)
    require(len(value) <= limit, f"{what} is longer than {limit} characters", line)


def sync_table(
    model: type[models.Model],
    records: dict[str, dict],
    *,
    key: str,
    fields: list[str],
    label: str,
) -> ImportReport:
    """Make the rows keyed by ``key`` match ``records`` (``{key value: {field: value}}``).

    ``records`` must be ordered parents first when the model refers to itself. Existing rows
    are read in one query; new rows are bulk-created and changed rows bulk-updated in batches.
    Call inside a transaction.
    """
    report = ImportReport(label)
    pk_name = model._meta.pk.attname
    existing = {
        row[key]: row for row in model.objects.filter(**{f"{key}__in": list(records)}).values()
    }
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    for key_value, values in records.items():
        current = existing.get(key_value)
        if current is None:
            to_create.append(model(**{key: key_value}, **values))
            report.created.append(key_value)
        elif any(current[name] != values[name] for name in fields):
            to_update.append(model(**{pk_name: current[pk_name]}, **values))
            report.updated.append(key_value)
        else:
            report.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
    return report
