"""The ESPD criteria catalogue in the database, filled from the taxonomy (import) or from the
default set shipped with the code (``data/criteria-default-4.1.0.json``, a data migration)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from bids.espd.names import ALWAYS_CODES, DEFAULT_CODES, NAMES_NB
from bids.espd.taxonomy import CriterionSpec

DEFAULTS_FILE = Path(__file__).parent / "data" / "criteria-default-4.1.0.json"


def rows(specs: list[CriterionSpec]) -> list[dict]:
    """Catalogue rows (as the model's fields) for ``specs``, in taxonomy order."""
    return [
        {
            "uuid": spec.uuid,
            "code": spec.code,
            "kind": spec.kind,
            "name_en": spec.name[:300],
            "name_nb": NAMES_NB.get(spec.code, ""),
            "description_en": spec.description,
            "xml": spec.xml,
            "order": position,
            "is_default": spec.code in DEFAULT_CODES,
        }
        for position, spec in enumerate(specs, start=1)
    ]


def write_defaults(specs: list[CriterionSpec], path: Path = DEFAULTS_FILE) -> int:
    wanted = set(DEFAULT_CODES) | set(ALWAYS_CODES)
    chosen = [row for row in rows(specs) if row["code"] in wanted]
    path.write_text(json.dumps(chosen, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    return len(chosen)


def load_rows(model, data: list[dict]) -> tuple[int, int]:
    """Insert or update catalogue rows by taxonomy id; (created, updated). ``model`` is
    ``EspdCriterion`` (or its historical version in a migration)."""
    created = updated = 0
    with transaction.atomic():
        for row in data:
            fields = {key: value for key, value in row.items() if key != "uuid"}
            _obj, was_created = model.objects.update_or_create(uuid=row["uuid"], defaults=fields)
            created += was_created
            updated += not was_created
    return created, updated


def default_rows() -> list[dict]:
    return json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
