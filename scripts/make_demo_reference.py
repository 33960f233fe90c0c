#!/usr/bin/env python3
"""Write the demo's small CPV and SN2007 subsets from the full official files.

    PILOTMARKED_DATA_DIR=/path/to/data python scripts/make_demo_reference.py

Copies the rows of the codes the demo uses, every CPV division, and every ancestor
of those codes, into marketplace/demo/cpv_demo.csv and marketplace/demo/sn2007_demo.csv (the
same layouts as the full files, so the import validation reads them too). Run it again only
when the demo needs more codes. Standard library only.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "marketplace" / "demo"

CPV_CODES = [
    "72000000",
    "72200000",
    "72210000",
    "72212000",
    "72212100",
    "72220000",
    "72222300",
    "72260000",
    "72300000",
    "72400000",
    "48000000",
    "48100000",
    "48200000",
    "48800000",
    "79000000",
    "79400000",
    "79410000",
    "79420000",
    "90000000",
    "90500000",
    "90510000",
    "90511000",
    "90700000",
    "90710000",
    "90711000",
    "45000000",
    "45200000",
    "45230000",
    "45233000",
    "60000000",
    "60100000",
    "60112000",
    "80000000",
    "80300000",
    "80500000",
    "85000000",
    "85100000",
    "85130000",
    "71000000",
    "71300000",
    "71310000",
    "71311000",
    "71311100",
    "71320000",
    "09300000",
    "09330000",
    "09331000",
    "34000000",
    "34100000",
    "34144900",
    "31000000",
    "31500000",
    "31520000",
    "31527000",
    "33000000",
    "33100000",
    "30200000",
    "30210000",
    "38000000",
    "38400000",
    "38430000",
    "38431000",
    "73000000",
    "73100000",
    "73110000",
    "77310000",
    "32000000",
    "32400000",
    "42000000",
    "42900000",
]

SN2007_CODES = [
    "62.010",
    "62.020",
    "62.090",
    "63.110",
    "71.121",
    "71.122",
    "71.129",
    "71.200",
    "72.190",
    "74.101",
    "38.110",
    "38.210",
    "39.000",
    "26.510",
    "43.210",
    "49.391",
    "81.300",
]


def data_dir() -> Path:
    value = os.environ.get("PILOTMARKED_DATA_DIR")
    if not value:
        sys.exit("Set PILOTMARKED_DATA_DIR to the folder with cpv_2008_main_en_nb.csv.")
    return Path(value)


def subset(
    source: Path, target: Path, wanted: list[str], *, parent: str, keep, columns=None
) -> int:
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames
        rows = {row["code"]: row for row in reader}
    unknown = [code for code in wanted if code not in rows]
    if unknown:
        sys.exit(f"{source.name} has no {', '.join(unknown)}")
    chosen = {code for code, row in rows.items() if keep(row)}
    for code in wanted:
        while code:
            chosen.add(code)
            code = rows[code][parent]
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=columns or header, lineterminator="\n", extrasaction="ignore"
        )
        writer.writeheader()
        for code in sorted(chosen, key=list(rows).index):
            writer.writerow(rows[code])
    return len(chosen)


def main() -> None:
    source = data_dir()
    cpv = subset(
        source / "cpv_2008_main_en_nb.csv",
        DEMO / "cpv_demo.csv",
        CPV_CODES,
        parent="parent_code",
        keep=lambda row: row["level"] == "division",
    )
    sn2007 = subset(
        source / "sn2007_naeringsgruppering_nb.csv",
        DEMO / "sn2007_demo.csv",
        SN2007_CODES,
        parent="parentCode",
        keep=lambda row: False,
        columns=["code", "parentCode", "level", "name", "shortName"],
    )
    print(f"wrote {cpv} CPV codes and {sn2007} SN2007 codes to {DEMO}")


if __name__ == "__main__":
    main()
