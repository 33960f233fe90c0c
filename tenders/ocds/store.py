"""Writing the release store: a tender's change becomes a new, immutable release.

``releases_publish`` is called when a tender's domain event fires (``tenders.ocds.receivers``) and
by ``manage.py ocds_releases`` (existing tenders, and changes no event announces, such as a pilot's
progress). It builds the tender's releases as they read now and stores one only when it says
something the last stored release did not: a redelivered event or an unchanged tender adds
nothing. Ids are stable: the ocid, the release's number in the process and its first tag
(``ocds-abc123-AFK-2026-0001-002-tenderAmendment``).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tenders.models import OcdsRelease, Tender
from tenders.selectors.open_data import ocds_tenders

from .releases import iso, ocid_for, planning_release, tender_release

IGNORED = ("id", "date", "tag")


def _same(stored: dict, built: dict) -> bool:
    """Whether two releases say the same (their ids, dates and tags aside: a tender closing for
    bids changes its tag, not what it publishes)."""
    return {k: v for k, v in stored.items() if k not in IGNORED} == {
        k: v for k, v in built.items() if k not in IGNORED
    }


def _store(tender: Tender, release: dict, sequence: int, after: OcdsRelease | None) -> OcdsRelease:
    date = parse_datetime(release["date"])
    if after is not None and date <= after.date:
        # Releases are merged in date order: a change no timestamp of the tender names (a pilot's
        # progress, a signed contract) is dated when it is published.
        date = max(timezone.now(), after.date + datetime.timedelta(seconds=1))
    ocid = ocid_for(tender)
    release_id = f"{ocid}-{sequence:03d}-{release['tag'][0]}"
    rest = {key: value for key, value in release.items() if key not in ("ocid", "id", "date")}
    data = {"ocid": ocid, "id": release_id, "date": iso(date), **rest}
    return OcdsRelease.objects.create(
        tender=tender,
        ocid=ocid,
        release_id=release_id,
        sequence=sequence,
        tag=" ".join(release["tag"]),
        date=date,
        data=data,
    )


@transaction.atomic
def releases_publish(*, tender_id: int) -> list[OcdsRelease]:
    """Store what changed in the tender's public state since its last release; return the new
    releases (none for a draft, a Doffin import or an unchanged tender)."""
    locked = Tender.objects.select_for_update().filter(pk=tender_id).values_list("pk", flat=True)
    if not list(locked):
        return []
    tender = ocds_tenders().filter(pk=tender_id).first()
    if tender is None:
        return []
    stored = list(OcdsRelease.objects.filter(tender=tender).order_by("sequence"))
    last = stored[-1] if stored else None
    new = []
    if last is None:
        planning = planning_release(tender)
        if planning:
            last = _store(tender, planning, 1, None)
            new.append(last)
    current = tender_release(tender)
    if last is None or not _same(last.data, current):
        sequence = (last.sequence if last else 0) + 1
        new.append(_store(tender, current, sequence, last))
    return new


def releases_publish_all() -> int:
    """Bring every own public tender's releases up to date; the number of releases stored."""
    ids = list(ocds_tenders().values_list("pk", flat=True))
    return sum(len(releases_publish(tender_id=pk)) for pk in ids)
