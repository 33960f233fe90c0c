"""Import the official classification lists: CPV 2008 (with Bokmål labels) and SN2007.

Reads and validates a whole file before writing anything; see ``reference_import`` for the
shared rules (line numbers, one transaction, idempotent).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.db import transaction

from marketplace.models import CpvCode, IndustryCode
from marketplace.models.classification import CPV_CODE_LENGTH, cpv_range
from marketplace.services.audit import audit_record

from .reference_import import (
    BATCH_SIZE,
    ImportReport,
    Progress,
    ReferenceFileError,
    check_length,
    read_rows,
    require,
    sync_table,
)

CPV_COLUMNS = ("code", "code_with_check_digit", "name_en", "name_nb", "level", "significant_digits")
CPV_FIELDS = ["check_digit", "level", "parent_id", "name_nb", "name_en"]
_CPV_WITH_CHECK_DIGIT = re.compile(r"^(\d{8})-(\d)$")


def cpv_level_for(significant_digits: int) -> str | None:
    """The CPV level a code with this many significant digits belongs to."""
    if significant_digits == 2:
        return CpvCode.Level.DIVISION
    if significant_digits == 3:
        return CpvCode.Level.GROUP
    if significant_digits == 4:
        return CpvCode.Level.CLASS
    if 5 <= significant_digits <= CPV_CODE_LENGTH:
        return CpvCode.Level.CATEGORY
    return None


def _cpv_record(line: int, row: dict[str, str]) -> tuple[str, dict, int]:
    """Validate one row; return its code, its record and its number of significant digits."""
    code = row["code"]
    require(len(code) == CPV_CODE_LENGTH and code.isdigit(), f"code {code!r} is not 8 digits", line)
    match = _CPV_WITH_CHECK_DIGIT.match(row["code_with_check_digit"])
    require(
        match is not None,
        f"code_with_check_digit {row['code_with_check_digit']!r} is not in the form 12345678-9",
        line,
    )
    require(
        match.group(1) == code,
        f"check digit does not match: {row['code_with_check_digit']} is not code {code}",
        line,
    )
    level = row["level"]
    require(level in CpvCode.Level.values, f"unknown level {level!r}", line)
    digits = row.get("significant_digits", "")
    require(digits.isdigit(), f"significant_digits {digits!r} is not a number", line)
    significant = int(digits)
    require(
        cpv_level_for(significant) == level,
        f"level {level!r} does not fit {significant} significant digits",
        line,
    )
    require(
        not code[significant:].strip("0"),
        f"code {code} has digits after its {significant} significant digits",
        line,
    )
    parent = row.get("parent_code", "")
    if level == CpvCode.Level.DIVISION:
        require(not parent, f"division {code} has a parent ({parent})", line)
    else:
        require(bool(parent), f"code {code} has no parent_code", line)
        low, high = cpv_range(parent)
        require(
            parent != code and low <= code <= high,
            f"parent_code {parent} is not above {code} in the hierarchy",
            line,
        )
    check_length(row["name_nb"], 400, "name_nb", line)
    check_length(row["name_en"], 400, "name_en", line)
    record = {
        "check_digit": match.group(2),
        "level": level,
        "parent_id": parent or None,
        "name_nb": row["name_nb"],
        "name_en": row["name_en"],
    }
    return code, record, significant


def read_cpv_file(path: Path | str, *, progress: Progress | None = None) -> dict[str, dict]:
    """Validate a CPV file and return its records, parents first, keyed by code."""
    parsed: dict[str, tuple[dict, int]] = {}
    significant: dict[str, int] = {}
    for line, row in read_rows(path, columns=(*CPV_COLUMNS, "parent_code"), progress=progress):
        code, record, significant[code] = _cpv_record(line, row)
        if code in parsed:
            raise ReferenceFileError(
                f"code {code} appears twice (first on line {parsed[code][1]})", line=line
            )
        parsed[code] = (record, line)
    require(bool(parsed), "the file has no CPV codes", 2)
    missing = {
        record["parent_id"]
        for record, _line in parsed.values()
        if record["parent_id"] and record["parent_id"] not in parsed
    }
    known = set(CpvCode.objects.filter(code__in=missing).values_list("code", flat=True))
    for code, (record, line) in parsed.items():
        parent = record["parent_id"]
        if parent and parent not in parsed and parent not in known:
            raise ReferenceFileError(
                f"parent_code {parent} of {code} is neither in the file nor in the database",
                line=line,
            )
    # A parent has fewer significant digits than its children (categories nest under categories).
    ordered = sorted(parsed.items(), key=lambda item: (significant[item[0]], item[0]))
    return {code: record for code, (record, _line) in ordered}


@transaction.atomic
def import_cpv(
    *, path: Path | str, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Create or update CPV codes from ``path``. With ``dry_run`` the changes are rolled back."""
    records = read_cpv_file(path, progress=progress)
    report = sync_table(CpvCode, records, key="code", fields=CPV_FIELDS, label="CPV codes")
    if report.changed:
        audit_record(actor=None, action="registry.cpv_imported", after=report.as_dict())
    if dry_run:
        transaction.set_rollback(True)
    return report


# --- SN2007 -----------------------------------------------------------------------------------

SN2007_COLUMNS = ("code", "parentCode", "level", "name", "shortName")
SN2007_FIELDS = ["parent_id", "level", "name", "short_name"]
_SN2007_PATTERNS = {
    1: re.compile(r"^[A-Z]$"),
    2: re.compile(r"^\d{2}$"),
    3: re.compile(r"^\d{2}\.\d$"),
    4: re.compile(r"^\d{2}\.\d{2}$"),
    5: re.compile(r"^\d{2}\.\d{3}$"),
}


def _industry_record(line: int, row: dict[str, str]) -> tuple[str, dict]:
    code, parent = row["code"], row["parentCode"]
    require(row["level"].isdigit(), f"level {row['level']!r} is not a number", line)
    level = int(row["level"])
    require(level in _SN2007_PATTERNS, f"unknown level {level} (SN2007 has levels 1 to 5)", line)
    require(
        bool(_SN2007_PATTERNS[level].match(code)),
        f"code {code!r} is not a level {level} SN2007 code",
        line,
    )
    if level == 1:
        require(not parent, f"section {code} has a parent ({parent})", line)
    else:
        require(bool(parent), f"code {code} has no parentCode", line)
        if level > 2:
            require(code.startswith(parent), f"parentCode {parent} is not above {code}", line)
    check_length(row["name"], 400, "name", line)
    require(len(row["shortName"]) <= 200, "shortName is longer than 200 characters", line)
    return code, {
        "parent_id": parent or None,
        "level": level,
        "name": row["name"],
        "short_name": row["shortName"],
    }


def read_industry_file(path: Path | str, *, progress: Progress | None = None) -> dict[str, dict]:
    """Validate an SN2007 file and return its records, parents first, keyed by code."""
    parsed: dict[str, tuple[dict, int]] = {}
    for line, row in read_rows(path, columns=SN2007_COLUMNS, progress=progress):
        code, record = _industry_record(line, row)
        if code in parsed:
            raise ReferenceFileError(
                f"code {code} appears twice (first on line {parsed[code][1]})", line=line
            )
        parsed[code] = (record, line)
    require(bool(parsed), "the file has no SN2007 codes", 2)
    outside = {r["parent_id"] for r, _ in parsed.values() if r["parent_id"]} - set(parsed)
    known_levels = dict(IndustryCode.objects.filter(code__in=outside).values_list("code", "level"))
    for code, (record, line) in parsed.items():
        parent = record["parent_id"]
        if not parent:
            continue
        if parent in parsed:
            parent_level = parsed[parent][0]["level"]
        elif parent in known_levels:
            parent_level = known_levels[parent]
        else:
            raise ReferenceFileError(
                f"parentCode {parent} of {code} is neither in the file nor in the database",
                line=line,
            )
        require(
            parent_level == record["level"] - 1,
            f"parentCode {parent} is on level {parent_level}, not {record['level'] - 1}",
            line,
        )
    ordered = sorted(parsed.items(), key=lambda item: (item[1][0]["level"], item[0]))
    return {code: record for code, (record, _line) in ordered}


@transaction.atomic
def import_industry_codes(
    *, path: Path | str, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Create or update SN2007 codes from ``path``. With ``dry_run`` the changes are rolled back."""
    records = read_industry_file(path, progress=progress)
    report = sync_table(
        IndustryCode, records, key="code", fields=SN2007_FIELDS, label="SN2007 codes"
    )
    if report.changed:
        audit_record(actor=None, action="registry.industry_codes_imported", after=report.as_dict())
    if dry_run:
        transaction.set_rollback(True)
    return report


# --- Demo subsets -----------------------------------------------------------------------------


def _add_missing(model, records: dict[str, dict]) -> int:
    """Create the codes of ``records`` the table lacks; never touch the ones it has."""
    present = set(model.objects.filter(code__in=list(records)).values_list("code", flat=True))
    missing = [model(code=code, **row) for code, row in records.items() if code not in present]
    model.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    return len(missing)


@transaction.atomic
def add_missing_classification_codes(*, cpv_path: Path | str, industry_path: Path | str) -> int:
    """Add the demo's CPV and SN2007 subsets where codes are missing; return how many were new.

    A full import already in the table wins: existing codes keep their labels.
    """
    created = _add_missing(CpvCode, read_cpv_file(cpv_path))
    created += _add_missing(IndustryCode, read_industry_file(industry_path))
    return created
