"""Writing Doffin notices as external tenders: read-only, linking out, matched on notice identity.

One call imports one file's notices in one transaction: a notice that fails validation rolls
back the whole file and names its position (or, asked to skip invalid notices, is left out on its
own and listed). Re-importing updates what changed and creates nothing twice (the unique
constraint on (source, external_id) backs that up); an unchanged notice writes nothing and sends
no event.

Status is decided from the notice: a result notice (contract award, voluntary ex-ante) is
awarded; otherwise the tender is open until its deadline and closed after it. A notice without
a deadline counts as open for ``UNDATED_OPEN_DAYS`` after publication: an undated notice from
years ago must not be listed as open.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import linebreaks

from marketplace.errors import DomainError
from marketplace.models import CpvCode
from marketplace.services.audit import audit_record
from tenders.doffin import DoffinNotice
from tenders.domain_events import tender_event_on_commit
from tenders.models import Lot, Source, Tender, threshold_band

UNDATED_OPEN_DAYS = 60
# Fields copied from the notice; compared to tell "updated" from "unchanged" on re-import.
SYNCED_FIELDS = (
    "reference",
    "external_url",
    "external_notice_type",
    "external_cpv_codes",
    "title",
    "description",
    "buyer_name",
    "buyer_org_number",
    "procedure",
    "contract_type",
    "estimated_value",
    "estimated_value_currency",
    "threshold_band",
    "main_cpv_id",
    "question_deadline",
    "submission_deadline",
    "status",
    "published_at",
    "closed_at",
    "awarded_at",
)
# What the clock changes without the notice changing: a deadline that passed closes the tender.
STATUS_FIELDS = frozenset({"status", "closed_at", "awarded_at"})


class DoffinImportError(DomainError):
    code = "doffin_import_failed"

    def __init__(self, position: str, message: str):
        super().__init__(f"{position}: {message}")
        self.position = position


@dataclass
class DoffinImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (position, first position)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (position, reason)
    missing_cpv: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _status(notice: DoffinNotice, now: datetime.datetime) -> dict:
    if notice.kind == "result":
        return {
            "status": Tender.Status.AWARDED,
            "closed_at": None,
            "awarded_at": notice.published_at,
        }
    deadline = notice.submission_deadline
    if deadline is None:
        still_open = notice.published_at + datetime.timedelta(days=UNDATED_OPEN_DAYS) > now
    else:
        still_open = deadline > now
    if still_open:
        return {"status": Tender.Status.PUBLISHED, "closed_at": None, "awarded_at": None}
    return {"status": Tender.Status.CLOSED, "closed_at": deadline, "awarded_at": None}


def _values(notice: DoffinNotice, known_cpv: set[str], now: datetime.datetime) -> dict:
    main = notice.cpv_codes[0] if notice.cpv_codes else None
    contract_type = notice.contract_type or "services"
    return {
        "reference": notice.reference,
        "external_url": notice.external_url,
        "external_notice_type": notice.notice_type[:40],
        "external_cpv_codes": list(notice.cpv_codes),
        "title": notice.title[:300],
        "description": linebreaks(notice.description, autoescape=True)
        if notice.description
        else "",
        "buyer_name": notice.buyer_name[:300],
        "buyer_org_number": notice.buyer_org_number,
        "procedure": notice.procedure,
        "contract_type": contract_type,
        "estimated_value": notice.estimated_value,
        "estimated_value_currency": notice.estimated_value_currency,
        # The thresholds are in NOK: a value in another currency has no band (unknown).
        "threshold_band": threshold_band(
            notice.estimated_value, contract_type, timezone.localdate(notice.published_at)
        )
        if notice.estimated_value_currency == "NOK"
        else "",
        "main_cpv_id": main if main in known_cpv else None,
        "question_deadline": notice.question_deadline,
        "submission_deadline": notice.submission_deadline,
        "published_at": notice.published_at,
        **_status(notice, now),
    }


def _validate(tender: Tender) -> None:
    # Doffin's procedures without an equivalent in ours (negotiated without a call, national
    # "other" procedures) are stored blank: unknown, rather than a wrong one.
    # The table's check constraints are left to the database (an IntegrityError names the
    # notice all the same): evaluating them in Python took two thirds of a 1,252-row import.
    tender.full_clean(
        exclude=["procedure"] if not tender.procedure else None, validate_constraints=False
    )


def _sync_relations(tender: Tender, notice: DoffinNotice, known_cpv: set[str], created: bool):
    """Link the tender's additional CPV codes and lots; True when an existing tender changed.

    Lots are matched on their number (from the lot's identifier in the notice), whatever order
    the notice lists them in: a changed lot is updated in place, a new one added, a lot the
    notice no longer has removed. ``tender`` comes with ``additional_cpv`` and ``lots__cpv_codes``
    prefetched when it existed before.
    """
    changed = False
    additional = {code for code in notice.cpv_codes[1:] if code in known_cpv}
    if created:
        if additional:
            tender.additional_cpv.add(*additional)
    elif {code.pk for code in tender.additional_cpv.all()} != additional:
        tender.additional_cpv.set(additional)
        changed = True
    current = {} if created else {lot.number: lot for lot in tender.lots.all()}
    for lot_notice in notice.lots:
        values = {
            "title": lot_notice.title,
            "description": lot_notice.description,
            "estimated_value": lot_notice.estimated_value,
            "estimated_value_currency": lot_notice.estimated_value_currency,
        }
        codes = {code for code in lot_notice.cpv_codes if code in known_cpv}
        lot = current.pop(lot_notice.number, None)
        if lot is None:
            lot = Lot(tender=tender, number=lot_notice.number, **values)
            lot.full_clean(exclude=["tender"])
            lot.save()
            if codes:
                lot.cpv_codes.add(*codes)
            changed = True
            continue
        if any(getattr(lot, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(lot, name, value)
            lot.full_clean(exclude=["tender"])
            lot.save(update_fields=list(values))
            changed = True
        if {code.pk for code in lot.cpv_codes.all()} != codes:
            lot.cpv_codes.set(codes)
            changed = True
    if current:
        Lot.objects.filter(pk__in=[lot.pk for lot in current.values()]).delete()
        changed = True
    return changed and not created


def _import_one(
    notice: DoffinNotice, tender: Tender | None, known_cpv: set[str], now: datetime.datetime
) -> tuple[Tender, str, str | None]:
    """Create or update the notice's tender; returns it, "created", "updated" or "unchanged",
    and the tender event to send: "published", "amended" when the notice changed, "closed" when
    only its deadline passed, or None. Raises ValidationError or IntegrityError."""
    values = _values(notice, known_cpv, now)
    if tender is None:
        tender = Tender(source=Source.DOFFIN, external_id=notice.external_id, **values)
        _validate(tender)
        tender.save()
        _sync_relations(tender, notice, known_cpv, created=True)
        return tender, "created", "published"
    changed = {name for name in SYNCED_FIELDS if getattr(tender, name) != values[name]}
    for name, value in values.items():
        setattr(tender, name, value)
    if changed:
        _validate(tender)
        tender.save()
    relations_changed = _sync_relations(tender, notice, known_cpv, created=False)
    if relations_changed or changed - STATUS_FIELDS:
        return tender, "updated", "amended"
    if changed:
        return tender, "updated", "closed" if tender.status == Tender.Status.CLOSED else "amended"
    return tender, "unchanged", None


@transaction.atomic
def doffin_notices_import(
    *,
    notices: Iterable[tuple[str, DoffinNotice]],
    source_name: str,
    now: datetime.datetime | None = None,
    progress=None,
    skip_invalid: bool = False,
) -> DoffinImportResult:
    """Create or update one external tender per notice; all of them or, on error, none.

    ``notices`` are ``(position, notice)`` pairs from one file (``tenders.doffin.read_notices``);
    ``progress(done)`` is called every 250 notices. Raises DoffinImportError naming the position.
    With ``skip_invalid`` a notice that cannot be stored is left out whole (its own savepoint)
    and listed in ``result.skipped``; the others are imported.

    A created tender sends the "published" event, a changed notice "amended", a notice whose
    deadline passed since the last import "closed"; an unchanged one (whatever the order of its
    lots in the notice) is not written and sends nothing.
    """
    now = now or timezone.now()
    notices = list(notices)
    result = DoffinImportResult()
    known_cpv = set(CpvCode.objects.values_list("code", flat=True))
    existing = {
        tender.external_id: tender
        for tender in Tender.objects.filter(
            source=Source.DOFFIN, external_id__in=[n.external_id for _p, n in notices]
        ).prefetch_related("additional_cpv", "lots__cpv_codes")
    }
    seen: dict[str, str] = {}
    for done, (position, notice) in enumerate(notices, 1):
        if notice.external_id in seen:
            result.duplicates.append((position, seen[notice.external_id]))
            continue
        seen[notice.external_id] = position
        try:
            with transaction.atomic() if skip_invalid else nullcontext():
                tender, outcome, event = _import_one(
                    notice, existing.get(notice.external_id), known_cpv, now
                )
        except (ValidationError, IntegrityError) as exc:
            reason = (
                _describe(exc)
                if isinstance(exc, ValidationError)
                else f"could not be stored ({exc})"
            )
            if not skip_invalid:
                raise DoffinImportError(position, reason) from exc
            result.skipped.append((position, reason))
            continue
        result.missing_cpv.update(code for code in notice.cpv_codes if code not in known_cpv)
        setattr(result, outcome, getattr(result, outcome) + 1)
        if event:
            tender_event_on_commit(tender, event)
        if progress and done % 250 == 0:
            progress(done)
    if result.created or result.updated:
        audit_record(
            actor=None,
            action="tender.doffin_imported",
            after={
                "file": source_name,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": len(result.skipped),
            },
        )
    return result


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in exc.message_dict.items()
        )
    return " ".join(str(message) for message in exc.messages)
