"""The JSON scrape of Doffin contract notices (EU form F02), one object per notice.

Keys are Norwegian: ``tittel``, ``beskrivelse`` (text or a list of paragraphs), ``oppdragsgiver``
(buyer), ``orgnr``, ``cpvnumber`` (main CPV), ``tilleggsCPV`` (``[{code: label}]``),
``kunngjoringsdato`` (publication date), ``tilbudsfrist`` (deadline date), ``url_dokumentasjon``
... The scrape carries no Doffin number, so a notice's identity is a hash of what it says (form,
date, buyer, title, description), not of its links: the same notice posted twice under two
links is one notice. Dates carry no time: a deadline date is taken as 12:00 Oslo time, the
usual Doffin deadline, and a publication date as the start of that day in Oslo.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from marketplace.formatting import OSLO

from .notices import (
    DoffinNotice,
    MalformedNotice,
    clean_cpv,
    clean_org_number,
    contract_type_for_cpv,
    unique,
)

DEADLINE_TIME = datetime.time(12, 0)
URL_KEYS = ("url_dokumentasjon", "url_deltakelse", "nettside")


def parse(content: bytes) -> list[tuple[str, DoffinNotice]]:
    """Every notice with its position; the first entry that cannot be read raises."""
    entries = parse_entries(content)
    for _position, entry in entries:
        if isinstance(entry, MalformedNotice):
            raise entry
    return entries


def parse_entries(content: bytes) -> list[tuple[str, DoffinNotice | MalformedNotice]]:
    """Every entry with its position: the notice, or why it cannot be read. A file that is not
    a JSON list of entries raises MalformedNotice."""
    try:
        rows = json.loads(content)
    except UnicodeDecodeError as exc:
        raise MalformedNotice(f"byte {exc.start}", "the file is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise MalformedNotice(f"line {exc.lineno} column {exc.colno}", exc.msg) from exc
    if not isinstance(rows, list):
        raise MalformedNotice("top level", "expected a list of notices")
    entries: list[tuple[str, DoffinNotice | MalformedNotice]] = []
    for index, row in enumerate(rows, 1):
        position = f"entry {index}"
        try:
            entries.append((position, _notice(row, position)))
        except MalformedNotice as exc:
            entries.append((position, exc))
    return entries


def _string(row: dict, key: str, position: str, *, required: bool = False) -> str:
    value = row.get(key)
    if value is None or value == "":
        if required:
            raise MalformedNotice(position, f"{key!r} is missing")
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise MalformedNotice(position, f"{key!r} should be text, not {type(value).__name__}")
    return value.strip()


def _date(row: dict, key: str, position: str, *, required: bool = False) -> datetime.date | None:
    text = _string(row, key, position, required=required)
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise MalformedNotice(position, f"{key!r} is not a date (YYYY-MM-DD): {text!r}") from exc


def _description(row: dict, position: str) -> str:
    value = row.get("beskrivelse")
    if value is None:
        return ""
    if isinstance(value, list):
        if not all(isinstance(part, str) for part in value):
            raise MalformedNotice(position, "'beskrivelse' should be text or a list of texts")
        return "\n\n".join(part.strip() for part in value if part.strip())
    if not isinstance(value, str):
        raise MalformedNotice(position, "'beskrivelse' should be text or a list of texts")
    return value.strip()


def _additional_cpv(row: dict, position: str) -> list[str]:
    value = row.get("tilleggsCPV") or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise MalformedNotice(position, "'tilleggsCPV' should be a list of {code: label}")
    return [clean_cpv(code) for item in value for code in item]


def _url(row: dict) -> str:
    validate = URLValidator(schemes=["http", "https"])
    for key in URL_KEYS:
        value = row.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        url = value.strip()
        if "://" not in url:
            url = f"https://{url}"
        try:
            validate(url)
        except ValidationError:
            continue
        if len(url) <= 500:
            return url
    return ""


def identity(*, form: str, published: str, org_number: str, buyer: str, title: str, text: str):
    canonical = json.dumps(
        [form, published, org_number, buyer.casefold(), title.casefold(), text],
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _notice(row: object, position: str) -> DoffinNotice:
    if not isinstance(row, dict):
        raise MalformedNotice(position, f"expected an object, not {type(row).__name__}")
    title = _string(row, "tittel", position, required=True)
    buyer = _string(row, "oppdragsgiver", position, required=True)
    published = _date(row, "kunngjoringsdato", position, required=True)
    deadline = _date(row, "tilbudsfrist", position)
    form = _string(row, "form", position) or "F02"
    org_number = clean_org_number(row.get("orgnr"))
    description = _description(row, position)
    main_cpv = clean_cpv(row.get("cpvnumber"))
    cpv_codes = unique([main_cpv, *_additional_cpv(row, position)])
    digest = identity(
        form=form,
        published=published.isoformat(),
        org_number=org_number,
        buyer=buyer,
        title=title,
        text=description,
    )
    return DoffinNotice(
        external_id=f"{form}-{digest[:32]}",
        reference=f"DOFFIN-{form}-{digest[:12].upper()}",
        notice_type=form,
        kind="competition",
        title=title[:300],
        published_at=datetime.datetime.combine(published, datetime.time(0, 0), tzinfo=OSLO),
        buyer_name=buyer[:300],
        buyer_org_number=org_number,
        external_url=_url(row),
        description=description,
        cpv_codes=cpv_codes,
        contract_type=contract_type_for_cpv(main_cpv or (cpv_codes[0] if cpv_codes else None)),
        submission_deadline=(
            datetime.datetime.combine(deadline, DEADLINE_TIME, tzinfo=OSLO) if deadline else None
        ),
    )
