"""Import counties, municipalities (Kartverket numbering) and the counties' NUTS-3 codes.

County names in Kartverket's list carry their Sámi and Kven forms ("Nordland - Nordlánnda");
the eForms NUTS list separates them with slashes ("Troms/Romsa/Tromssa") or names only the
Norwegian form ("Nordland"). Names are matched on their first (Norwegian) form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from marketplace.models import County, Municipality
from marketplace.services.audit import audit_record

from .reference_import import (
    ImportReport,
    Progress,
    ReferenceFileError,
    check_length,
    read_rows,
    require,
    sync_table,
)

COUNTY_COLUMNS = ("fylkesnummer", "fylkesnavn")
MUNICIPALITY_COLUMNS = ("kommunenummer", "kommunenavn", "fylkesnummer")
NUTS_COLUMNS = ("nuts3_code", "name")
_NUTS3 = re.compile(r"^NO[0-9A-Z]{3}$")


def norwegian_name(name: str) -> str:
    """The first form of a multilingual place name, lower-cased: "Troms - Romsa" → "troms"."""
    return re.split(r"\s+-\s+|/", name, maxsplit=1)[0].strip().casefold()


@dataclass
class PlacesFiles:
    counties: Path | str | None = None
    municipalities: Path | str | None = None
    nuts: Path | str | None = None


def _read_counties(path, progress) -> dict[str, tuple[dict, int, int | None]]:
    counties: dict[str, tuple[dict, int, int | None]] = {}
    for line, row in read_rows(path, columns=COUNTY_COLUMNS, progress=progress):
        number, name = row["fylkesnummer"], row["fylkesnavn"]
        require(
            len(number) == 2 and number.isdigit(), f"county number {number!r} is not 2 digits", line
        )
        check_length(name, 100, "fylkesnavn", line)
        expected = row.get("antall_kommuner") or None
        require(
            expected is None or expected.isdigit(),
            f"antall_kommuner {expected!r} is not a number",
            line,
        )
        if number in counties:
            raise ReferenceFileError(f"county {number} appears twice", line=line)
        counties[number] = ({"name": name}, line, int(expected) if expected else None)
    require(bool(counties), "the file has no counties", 2)
    return counties


def _read_municipalities(path, progress, counties) -> dict[str, tuple[str, str, int]]:
    known = set(counties) | set(County.objects.values_list("number", flat=True))
    municipalities: dict[str, tuple[str, str, int]] = {}
    for line, row in read_rows(path, columns=MUNICIPALITY_COLUMNS, progress=progress):
        number, name, county = row["kommunenummer"], row["kommunenavn"], row["fylkesnummer"]
        require(
            len(number) == 4 and number.isdigit(),
            f"municipality number {number!r} is not 4 digits",
            line,
        )
        check_length(name, 100, "kommunenavn", line)
        require(
            number.startswith(county),
            f"municipality {number} does not belong to county {county!r}",
            line,
        )
        require(
            county in known,
            f"county {county} of municipality {number} is neither in the county file nor in "
            "the database",
            line,
        )
        if number in municipalities:
            raise ReferenceFileError(f"municipality {number} appears twice", line=line)
        municipalities[number] = (name, county, line)
    require(bool(municipalities), "the file has no municipalities", 2)
    for number, (_record, line, expected) in counties.items():
        found = sum(1 for _, county, _ in municipalities.values() if county == number)
        require(
            expected is None or found == expected,
            f"county {number} should have {expected} municipalities, the file has {found}",
            line,
        )
    return municipalities


def _read_nuts(path, progress) -> dict[str, str]:
    by_name: dict[str, str] = {}
    for line, row in read_rows(path, columns=NUTS_COLUMNS, progress=progress):
        code, name = row["nuts3_code"], row["name"]
        require(bool(_NUTS3.match(code)), f"{code!r} is not a Norwegian NUTS-3 code", line)
        check_length(name, 100, "name", line)
        by_name[norwegian_name(name)] = code
    return by_name


@transaction.atomic
def import_places(
    *, files: PlacesFiles, dry_run: bool = False, progress: Progress | None = None
) -> list[ImportReport]:
    """Create or update counties, municipalities and counties' NUTS-3 codes from the files given.

    Every file is validated before anything is written. Without a county file the counties in
    the database are used (for municipalities and NUTS codes).
    """
    counties = _read_counties(files.counties, progress) if files.counties else {}
    municipalities = (
        _read_municipalities(files.municipalities, progress, counties)
        if files.municipalities
        else {}
    )
    nuts = _read_nuts(files.nuts, progress) if files.nuts else None

    reports: list[ImportReport] = []
    county_records = {number: dict(record) for number, (record, _l, _e) in counties.items()}
    if nuts is not None:
        names = dict(County.objects.values_list("number", "name"))
        names.update({number: record["name"] for number, record in county_records.items()})
        current = dict(County.objects.values_list("number", "nuts_code"))
        for number, name in names.items():
            record = county_records.setdefault(number, {"name": name})
            record["nuts_code"] = nuts.get(norwegian_name(name), current.get(number, ""))
    if county_records:
        reports.append(_sync_counties(county_records, with_nuts=nuts is not None))
    if municipalities:
        county_ids = dict(County.objects.values_list("number", "pk"))
        records = {
            number: {"name": name, "county_id": county_ids[county]}
            for number, (name, county, _line) in municipalities.items()
        }
        reports.append(
            sync_table(
                Municipality,
                records,
                key="number",
                fields=["name", "county_id"],
                label="Municipalities",
            )
        )
    if any(report.changed for report in reports):
        audit_record(
            actor=None,
            action="registry.places_imported",
            after={report.label: report.as_dict() for report in reports},
        )
    if dry_run:
        transaction.set_rollback(True)
    return reports


def _sync_counties(records: dict[str, dict], *, with_nuts: bool) -> ImportReport:
    """Without a NUTS file a county's NUTS code is left as it is (new counties get none)."""
    fields = ["name", "nuts_code"] if with_nuts else ["name"]
    records = {number: {name: row[name] for name in fields} for number, row in records.items()}
    return sync_table(County, records, key="number", fields=fields, label="Counties")


def counties_without_nuts() -> list[str]:
    """Counties the NUTS list did not name, for the command to warn about."""
    return list(County.objects.filter(nuts_code="").values_list("name", flat=True))
