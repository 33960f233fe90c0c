"""Tender references: <prefix>-<year>-NNNN, numbered without gaps or duplicates per year."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tenders.models import ReferenceCounter


@transaction.atomic
def reference_next(*, prefix: str | None = None, year: int | None = None) -> str:
    """Take the next reference, e.g. ``AFK-2026-0001``.

    The year's counter row is locked (``select_for_update``) until the caller's transaction
    ends, so two buyers creating tenders at once never get the same number; a rolled-back
    creation gives its number back.
    """
    prefix = prefix or settings.TENDER_REFERENCE_PREFIX
    year = year or timezone.localdate().year
    ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix, year=year)
    ReferenceCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    counter.refresh_from_db(fields=["last_number"])
    return f"{prefix}-{year}-{counter.last_number:04d}"
