"""Alerts: a published or amended need or tender reaches every saved search that matches it,
exactly once per (search, object, version).

The path: a domain event (``tenders.domain_events``) → ``alert_fanout_enqueue`` writes an outbox row
(unique per object and version) and sends the fan-out task on commit → ``alert_fanout_run``
prefilters the searches in SQL (CPV branch, area, value, SMB lots, pilots), checks their words,
and writes ``Alert`` rows with ``ignore_conflicts`` on the unique delivery key →
``deliver_alerts`` tasks, chained: each takes a batch (``alerts_deliver``), tells the owners
through ``notify_many`` (one inbox row per person and version, however many of their searches
matched; their e-mails in one batch over one SMTP connection) and sends the task for the next
batch, until none is left. A periodic sweeper re-sends outbox rows and deliveries a lost broker
or a killed worker left behind.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from kombu.exceptions import OperationalError

from marketplace.models import Municipality, NotificationKind, SupplierProfile, User
from marketplace.models.classification import cpv_under_q
from marketplace.services.notification_batches import notify_many
from marketplace.services.organisations import default_language_path
from marketplace.task_names import task_named
from matching import percolator_index
from matching.models import Alert, AlertFanout, SavedSearch
from matching.selectors.candidates import ancestors
from matching.selectors.facts import tender_codes
from search.text import stems
from tenders.models import Lot, Need, Tender

logger = logging.getLogger(__name__)

ALERT_BATCH = 5000


@dataclass(frozen=True)
class AlertTarget:
    """What searches are matched against: the plain facts of one version of a need or tender."""

    kind: str
    object_id: int
    version: str
    title: str
    url: str
    text: str
    cpv_codes: tuple[str, ...]
    municipalities: frozenset[str]
    counties: frozenset[str]
    value: float | None
    has_smb_lot: bool
    is_pilot: bool


def need_version(need: Need) -> str:
    return need.updated_at.strftime("%Y%m%dT%H%M%S%f")


def target_for(kind: str, object_id: int) -> AlertTarget | None:
    """The facts of the current version, or None when it is not (or no longer) public."""
    if kind == "tender":
        tender = Tender.objects.filter(pk=object_id, status=Tender.Status.PUBLISHED).first()
        if tender is None:
            return None
        munis = set(tender.municipalities.values_list("number", flat=True))
        munis |= set(
            Lot.municipalities.through.objects.filter(lot__tender=tender).values_list(
                "municipality__number", flat=True
            )
        )
        lots = " ".join(tender.lots.values_list("title", flat=True))
        return AlertTarget(
            kind="tender",
            object_id=tender.pk,
            version=str(tender.version),
            title=tender.title,
            url=default_language_path("tenders:tender_detail", reference=tender.reference),
            text=f"{tender.title} {strip_tags(tender.description)} {lots}",
            cpv_codes=tender_codes(tender),
            municipalities=frozenset(munis),
            counties=_counties(munis),
            value=float(tender.estimated_value) if tender.estimated_value is not None else None,
            has_smb_lot=tender.lots.filter(suitable_for_smb=True).exists(),
            is_pilot=tender.is_pilot,
        )
    if kind == "need":
        need = Need.objects.filter(pk=object_id, status=Need.Status.OPEN).first()
        if need is None:
            return None
        munis = set(need.municipalities.values_list("number", flat=True))
        value = need.budget_max if need.budget_max is not None else need.budget_min
        return AlertTarget(
            kind="need",
            object_id=need.pk,
            version=need_version(need),
            title=need.title,
            url=default_language_path("tenders:need_detail", slug=need.slug),
            text=f"{need.title} {need.problem} {need.desired_outcomes}",
            cpv_codes=tuple(need.cpv_codes.values_list("code", flat=True)),
            municipalities=frozenset(munis),
            counties=_counties(munis),
            value=float(value) if value is not None else None,
            has_smb_lot=False,
            is_pilot=need.is_pilot_opportunity,
        )
    raise ValueError(f"unknown alert kind {kind!r}")


def _counties(munis: Iterable[str]) -> frozenset[str]:
    return frozenset(
        Municipality.objects.filter(number__in=list(munis)).values_list("county__number", flat=True)
    )


# --- Which searches match -------------------------------------------------------------------------


def words_match(words: str, text: str | frozenset[str]) -> bool:
    """Every word of a search is in the text, by the same Norwegian stems as site search
    (``search.text``): "fylkesveier" matches "fylkesvei". ``text`` may be given as its stems
    already, so a fan-out stems the new tender once, not once per saved search."""
    text_stems = text if isinstance(text, frozenset) else frozenset(stems(text))
    return set(stems(words)) <= text_stems


def _cpv_condition(target: AlertTarget) -> Q:
    """Searches whose CPV condition holds: a code of theirs above or below one of the target's,
    a profile-based search whose profile has such a code, or no CPV condition at all.

    Subqueries, not lists of ids: the database does the sets, so a fan-out to 100,000 searches
    holds no sets of 100,000 ids in the worker."""
    through = SavedSearch.cpv_codes.through
    none_of_their_own = Q(use_profile=False) & ~Q(pk__in=through.objects.values("savedsearch_id"))
    if not target.cpv_codes:
        return none_of_their_own
    branch = Q(cpvcode_id__in=ancestors(target.cpv_codes)) | cpv_under_q(
        target.cpv_codes, "cpvcode__code"
    )
    own = Q(use_profile=False, pk__in=through.objects.filter(branch).values("savedsearch_id"))
    by_profile = Q(
        use_profile=True,
        organisation_id__in=SupplierProfile.cpv_codes.through.objects.filter(branch).values(
            "supplierprofile__organisation_id"
        ),
    )
    return none_of_their_own | own | by_profile


def _area_condition(target: AlertTarget) -> Q | None:
    """Searches whose area condition holds; None when the target names no place (all hold)."""
    if not target.municipalities:
        return None
    municipalities = SavedSearch.municipalities.through.objects
    counties = SavedSearch.counties.through.objects
    no_place = (
        Q(use_profile=False)
        & ~Q(pk__in=municipalities.values("savedsearch_id"))
        & ~Q(pk__in=counties.values("savedsearch_id"))
    )
    profiles = SupplierProfile.objects.filter(
        Q(delivers_nationwide=True)
        | Q(delivery_municipalities__number__in=target.municipalities)
        | Q(delivery_counties__number__in=target.counties)
        | Q(municipality__number__in=target.municipalities)
    )
    return (
        no_place
        | Q(
            pk__in=municipalities.filter(municipality__number__in=target.municipalities).values(
                "savedsearch_id"
            )
        )
        | Q(pk__in=counties.filter(county__number__in=target.counties).values("savedsearch_id"))
        | Q(use_profile=True, organisation_id__in=profiles.values("organisation_id"))
    )


def matching_search_ids(target: AlertTarget) -> list[int]:
    """The active searches that match ``target``.

    On Elasticsearch the percolator answers (``matching.percolator_index``); when it cannot, and on
    the database backend, an SQL prefilter by CPV branch and area, then the words in Python.
    """
    if percolator_index.uses_percolator():
        try:
            found = percolator_index.percolate(target)
        except percolator_index.PercolatorUnavailable as exc:
            logger.warning("percolator unavailable, using the SQL prefilter: %s", exc)
        else:
            return sorted(
                SavedSearch.objects.filter(is_active=True, pk__in=found).values_list(
                    "pk", flat=True
                )
            )
    return _sql_matching_search_ids(target)


def _sql_matching_search_ids(target: AlertTarget) -> list[int]:
    """The database path: SQL prefilter by CPV branch and area, then the words in Python (read
    in chunks; each distinct text is checked once)."""
    rows = SavedSearch.objects.filter(_cpv_condition(target), is_active=True)
    area = _area_condition(target)
    if area is not None:
        rows = rows.filter(area)
    if target.value is not None:
        rows = rows.filter(Q(value_min__isnull=True) | Q(value_min__lte=target.value)).filter(
            Q(value_max__isnull=True) | Q(value_max__gte=target.value)
        )
    if not target.has_smb_lot:
        rows = rows.filter(smb_lots_only=False)
    if not target.is_pilot:
        rows = rows.filter(pilots_only=False)
    text_stems = frozenset(stems(target.text))
    checked: dict[str, bool] = {}  # the same words in many searches ("", "app") are stemmed once
    found = []
    for pk, words in rows.order_by("pk").values_list("pk", "text").iterator(chunk_size=ALERT_BATCH):
        match = checked.get(words)
        if match is None:
            match = not words or words_match(words, text_stems)
            if len(checked) < 10_000:
                checked[words] = match
        if match:
            found.append(pk)
    return found


# --- Outbox, fan-out and delivery -----------------------------------------------------------------


def alert_fanout_enqueue(*, kind: str, object_id: int, event: str) -> AlertFanout | None:
    """Write the outbox row for this version (once) and send the fan-out task on commit."""
    target = target_for(kind, object_id)
    if target is None:
        return None
    with transaction.atomic():
        fanout, created = AlertFanout.objects.get_or_create(
            kind=kind, object_id=object_id, version=target.version, defaults={"event": event}
        )
        if created:
            transaction.on_commit(lambda: _send_fanout(fanout.pk), robust=True)
    return fanout


def _send_fanout(fanout_id: int) -> None:
    try:
        task_named("matching.fan_out_alerts").delay(fanout_id)  # matching.tasks
    except OperationalError:
        # The broker is down: the outbox row stays open and the sweeper sends it again.
        logger.warning("broker unreachable; alert fan-out %s left to the sweeper", fanout_id)


_INSERT_ALERTS = """
    INSERT INTO matching_alert
        (saved_search_id, kind, object_id, version, delivery_key, title, url, created_at)
    SELECT s.id, %s, %s, %s, s.id::text || %s, %s, %s, %s
      FROM unnest(%s::bigint[]) AS s(id)
    ON CONFLICT (delivery_key) DO NOTHING
"""


def _write_alerts(ids: list[int], target: AlertTarget, *, now: datetime.datetime) -> None:
    """One alert row per search id, ``ALERT_BATCH`` ids a transaction; rows that exist already
    (same delivery key) are left alone. PostgreSQL: one set-based INSERT … SELECT per batch, the
    delivery key made in SQL exactly as ``Alert.key_for`` makes it."""
    title = target.title[:300]
    suffix = Alert.key_for(0, target.kind, target.object_id, target.version)[1:]
    # The SQL makes "<search id><suffix>"; should ``key_for`` ever change shape, the ORM path
    # (which calls it per row) takes over.
    same_keys = Alert.key_for(12, target.kind, target.object_id, target.version) == f"12{suffix}"
    postgres = connection.vendor == "postgresql" and same_keys
    for start in range(0, len(ids), ALERT_BATCH):
        chunk = ids[start : start + ALERT_BATCH]
        with transaction.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute(
                        _INSERT_ALERTS,
                        [
                            target.kind,
                            target.object_id,
                            target.version,
                            suffix,
                            title,
                            target.url,
                            now,
                            chunk,
                        ],
                    )
                continue
            Alert.objects.bulk_create(
                [
                    Alert(
                        saved_search_id=pk,
                        kind=target.kind,
                        object_id=target.object_id,
                        version=target.version,
                        delivery_key=Alert.key_for(
                            pk, target.kind, target.object_id, target.version
                        ),
                        title=title,
                        url=target.url,
                        created_at=now,
                    )
                    for pk in chunk
                ],
                ignore_conflicts=True,
            )


def alert_fanout_run(*, fanout_id: int) -> int:
    """Write one ``Alert`` per matching search for the outbox row's version. Idempotent: a
    second run writes nothing (the unique delivery key). Returns how many alerts exist for it."""
    fanout = AlertFanout.objects.get(pk=fanout_id)
    target = target_for(fanout.kind, fanout.object_id)
    AlertFanout.objects.filter(pk=fanout_id).update(attempts=fanout.attempts + 1)
    if target is None or target.version != fanout.version:
        # Withdrawn, or already changed again (the newer version has its own row).
        AlertFanout.objects.filter(pk=fanout_id).update(done_at=timezone.now())
        return 0
    ids = matching_search_ids(target)
    _write_alerts(ids, target, now=timezone.now())
    count = Alert.objects.filter(
        kind=target.kind, object_id=target.object_id, version=target.version
    ).count()
    AlertFanout.objects.filter(pk=fanout_id).update(done_at=timezone.now(), alerts_created=count)
    return count


def alert_notification_key(kind: str, object_id: int, version: str) -> str:
    """The key of a person's notification about one version: one per person, however many of
    their saved searches matched (the inbox's unique (recipient, key) holds it to that)."""
    return f"alert:{kind}:{object_id}:{version}"


def alerts_deliver(*, kind: str, object_id: int, version: str, limit: int | None = None) -> int:
    """Deliver the next batch of this version's undelivered alerts. Returns how many it took
    (fewer than ``limit``: none are left).

    One transaction: claim up to ``limit`` alerts (``SKIP LOCKED``: rows another delivery holds
    are its own), tell each owner once through ``notify_many`` (inbox rows, e-mail per their
    preference in one batched outbox row), mark the alerts notified. A worker killed midway
    rolls it all back and the batch is taken again; a rerun finds nothing left to take.
    """
    limit = limit or settings.ALERT_DELIVERY_BATCH
    with transaction.atomic():
        claimed = list(
            Alert.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(kind=kind, object_id=object_id, version=version, notified_at=None)
            .order_by("pk")
            .values_list("pk", "saved_search__created_by_id", "saved_search__name", "title", "url")[
                :limit
            ]
        )
        if not claimed:
            return 0
        search_of: dict[int, str] = {}  # a person's first matching search names the alert
        for _pk, owner_id, search_name, _title, _url in claimed:
            search_of.setdefault(owner_id, search_name)
        _pk, _owner, _search, title, url = claimed[0]
        owners = User.objects.filter(pk__in=search_of, is_active=True)
        notify_many(
            recipients=((owner, {"search": search_of[owner.pk]}) for owner in owners),
            kind=NotificationKind.SEARCH_ALERTS,
            key=alert_notification_key(kind, object_id, version),
            template="matching/notifications/alert",
            context={"title": title, "kind": kind, "amended": version != "1" and kind == "tender"},
            url=url,
        )
        Alert.objects.filter(pk__in=[row[0] for row in claimed]).update(notified_at=timezone.now())
    return len(claimed)


def alerts_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Re-send what a lost broker or a crashed worker left: open outbox rows and undelivered
    alerts older than ``ALERT_SWEEP_AFTER_SECONDS``."""
    fan_out_alerts = task_named("matching.fan_out_alerts")  # matching.tasks
    deliver_alerts = task_named("matching.deliver_alerts")
    now = now or timezone.now()
    before = now - datetime.timedelta(seconds=settings.ALERT_SWEEP_AFTER_SECONDS)
    open_rows = list(
        AlertFanout.objects.filter(done_at=None, created_at__lt=before).values_list("pk", flat=True)
    )
    for pk in open_rows:
        fan_out_alerts.delay(pk)
    undelivered = list(
        Alert.objects.filter(notified_at=None, created_at__lt=before)
        .values_list("kind", "object_id", "version")
        .distinct()
    )
    for kind, object_id, version in undelivered:
        deliver_alerts.delay(kind, object_id, version)
    return {"fanouts": len(open_rows), "deliveries": len(undelivered)}
