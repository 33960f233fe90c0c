"""The shape of a bid's sealed content (what ``Bid.sealed_content`` decrypts to).

Kept as plain JSON so it can be hashed canonically for the receipt and read back by any later
version of the code; ``schema`` says which shape it is. Keys of the dictionaries are primary keys
of the tender's lots, qualification requirements and criteria, as strings (JSON keys).

    {
      "schema": 1,
      "lots": {"<lot pk>": {"price": "1250000.00"}},         # lots bid on, price NOK excl. VAT
      "qualification": {"<requirement pk>": "answer"},
      "criteria": {"<criterion pk>": "answer"},
      "subcontractors": [
        {"name": "Vei og Data AS", "org_number": "923609016", "share_percent": "20",
         "work": "Sensor installation"}
      ],
      "message": "covering note"
    }
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

SCHEMA = 1


@dataclass
class Subcontractor:
    name: str
    org_number: str
    share_percent: Decimal
    work: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "org_number": self.org_number,
            "share_percent": str(self.share_percent),
            "work": self.work,
        }


@dataclass
class BidContent:
    prices: dict[int, Decimal | None] = field(default_factory=dict)  # lot pk → price
    qualification: dict[int, str] = field(default_factory=dict)
    criteria: dict[int, str] = field(default_factory=dict)
    subcontractors: list[Subcontractor] = field(default_factory=list)
    message: str = ""

    @property
    def lot_ids(self) -> list[int]:
        return sorted(self.prices)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "lots": {
                str(lot): {"price": None if price is None else str(price)}
                for lot, price in sorted(self.prices.items())
            },
            "qualification": {str(key): value for key, value in sorted(self.qualification.items())},
            "criteria": {str(key): value for key, value in sorted(self.criteria.items())},
            "subcontractors": [item.to_dict() for item in self.subcontractors],
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> BidContent:
        data = data or {}
        schema = data.get("schema", SCHEMA)
        if schema != SCHEMA:
            raise ValueError(f"unknown bid content schema {schema!r}")
        return cls(
            prices={
                int(lot): _decimal((entry or {}).get("price"))
                for lot, entry in (data.get("lots") or {}).items()
            },
            qualification={int(k): str(v) for k, v in (data.get("qualification") or {}).items()},
            criteria={int(k): str(v) for k, v in (data.get("criteria") or {}).items()},
            subcontractors=[
                Subcontractor(
                    name=item.get("name", ""),
                    org_number=item.get("org_number", ""),
                    share_percent=_decimal(item.get("share_percent")) or Decimal("0"),
                    work=item.get("work", ""),
                )
                for item in data.get("subcontractors") or []
            ],
            message=data.get("message", ""),
        )


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
