"""Following needs and tenders, and telling followers what happened.

Other services call ``followers_notify`` after an amendment, a published answer or a deadline
change; it writes an outbox row with that change (``marketplace.outbox``: delivered after the
commit, swept if the broker is down), whose handler calls ``followers_notify_now``: one in-site
notification per follower (idempotent on a key per event), e-mailed per their preference.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.models import NotificationKind
from marketplace.outbox import outbox_enqueue, outbox_handler
from marketplace.services.audit import audit_record, canonical_json
from marketplace.services.notifications import notify
from marketplace.services.organisations import default_language_path
from tenders.models import Follow, Need, Tender
from tenders.selectors.dialogue import followers_of

TENDER_EVENTS = frozenset(
    {"amended", "answer_published", "deadline_changed", "cancelled", "tender_published"}
)
NEED_EVENTS = frozenset({"amended", "need_closed", "need_tendered", "deadline_changed"})


def _one_target(tender, need) -> None:
    if (tender is None) == (need is None):
        raise ValueError("Give exactly one of tender= or need=.")


def _followable(tender: Tender | None, need: Need | None) -> None:
    if tender is not None and tender.status == Tender.Status.DRAFT:
        raise DomainError(_("This tender cannot be followed."), code="follow_not_public")
    if need is not None and need.status == Need.Status.DRAFT:
        raise DomainError(_("This need cannot be followed."), code="follow_not_public")


@transaction.atomic
def follow(*, user, tender: Tender | None = None, need: Need | None = None) -> Follow:
    """Start following a public tender or need. Following twice keeps the first follow."""
    _one_target(tender, need)
    if not getattr(user, "is_authenticated", False):
        raise DomainError(_("Log in to follow."), code="follow_login_required")
    _followable(tender, need)
    existing = Follow.objects.filter(user=user, tender=tender, need=need).first()
    if existing is not None:
        return existing
    item = Follow(user=user, tender=tender, need=need)
    item.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            item.save(force_insert=True)
    except IntegrityError:  # a second click raced the first
        return Follow.objects.get(user=user, tender=tender, need=need)
    audit_record(
        actor=user,
        action="follow.created",
        obj=item,
        after={"tender": getattr(tender, "reference", None), "need": getattr(need, "slug", None)},
    )
    return item


@transaction.atomic
def unfollow(*, user, tender: Tender | None = None, need: Need | None = None) -> bool:
    """Stop following. Returns whether there was anything to stop."""
    _one_target(tender, need)
    item = Follow.objects.filter(user=user, tender=tender, need=need).first()
    if item is None:
        return False
    audit_record(
        actor=user,
        action="follow.deleted",
        obj=item,
        before={"tender": getattr(tender, "reference", None), "need": getattr(need, "slug", None)},
    )
    item.delete()
    return True


def followers_carry_over(*, tender: Tender) -> int:
    """Whoever follows the need a tender was made from follows the tender too, and is told it
    is published. Called when the tender is published (nobody can follow a draft); someone
    who already follows the tender keeps that one follow. Returns how many follow it now."""
    if tender.need_id is None or tender.status == Tender.Status.DRAFT:
        return 0
    users = list(followers_of(need=tender.need).values_list("pk", flat=True))
    if not users:
        return 0
    Follow.objects.bulk_create(
        [Follow(user_id=pk, tender=tender) for pk in users], ignore_conflicts=True
    )
    audit_record(
        actor=None,
        action="follow.carried_over",
        obj=tender,
        after={"need": tender.need.slug, "followers": len(users)},
    )
    followers_notify(
        event="tender_published",
        tender=tender,
        context={"key": "published", "need_title": tender.need.title},
    )
    return len(users)


# --- Telling followers -------------------------------------------------------------------------


def followers_notify(*, event: str, tender=None, need=None, context: dict | None = None) -> None:
    """Tell everyone following ``tender`` (or ``need``) about ``event``, once each, on commit.

    ``event`` is one of "amended", "answer_published", "deadline_changed", "cancelled",
    "tender_published" (tenders)
    or "amended", "need_closed", "need_tendered", "deadline_changed" (needs). ``context`` holds
    plain values (strings, numbers; dates become ISO strings) for the notification templates in
    ``templates/tenders/notifications/<event>_{subject,body}.txt``, which also get the ``tender``
    or ``need`` itself. ``context["key"]`` names this occurrence (an amendment's or question's
    number); without it the tender's version (a need's last change) does. A follower hears about
    the same key once, however often this is called.
    """
    _one_target(tender, need)
    events = TENDER_EVENTS if tender is not None else NEED_EVENTS
    if event not in events:
        raise ValueError(f"Unknown follower event {event!r}.")
    data = canonical_json(context or {})
    key = str(data.pop("key", "") or _default_key(tender, need))
    tender_id = tender.pk if tender is not None else None
    need_id = need.pk if need is not None else None

    target = f"tender:{tender_id}" if tender is not None else f"need:{need_id}"
    outbox_enqueue(
        handler=followers_deliver,
        payload={
            "event": event,
            "tender_id": tender_id,
            "need_id": need_id,
            "key": key,
            "context": data,
        },
        key=f"tenders:followers:{target}:{event}:{key}",
    )


@outbox_handler
def followers_deliver(
    *, event: str, tender_id: int | None, need_id: int | None, key: str, context: dict
) -> None:
    """Outbox handler of ``followers_notify``."""
    followers_notify_now(
        event=event, tender_id=tender_id, need_id=need_id, key=key, context=context
    )


def _default_key(tender, need) -> str:
    if tender is not None:
        return f"v{tender.version}"
    stamp = need.closed_at or need.tendered_at or need.updated_at or need.published_at
    return stamp.isoformat() if stamp else "0"


def target_path(*, tender: Tender | None = None, need: Need | None = None) -> str:
    """The public page of the tender or need, as a path in the default language."""
    try:
        if tender is not None:
            return default_language_path("tenders:tender_detail", reference=tender.reference)
        return default_language_path("tenders:need_detail", slug=need.slug)
    except NoReverseMatch:  # the public tender page is another module's; don't fail on it
        return ""


def followers_notify_now(
    *, event: str, tender_id: int | None, need_id: int | None, key: str, context: dict
) -> int:
    """Store one notification per follower (each in its own transaction). Returns how many
    followers there were; one already told about this key is not told again (``notify``
    is idempotent on the key)."""
    tender = Tender.objects.filter(pk=tender_id).first() if tender_id else None
    need = Need.objects.filter(pk=need_id).first() if need_id else None
    if tender is None and need is None:
        return 0
    target = f"tender:{tender.pk}" if tender is not None else f"need:{need.pk}"
    notification_key = f"followed:{target}:{event}:{key}"[:200]
    url = target_path(tender=tender, need=need)
    told = 0
    for user in followers_of(tender=tender, need=need).iterator():
        notify(
            recipient=user,
            kind=NotificationKind.FOLLOWED_UPDATES,
            key=notification_key,
            template=f"tenders/notifications/{event}",
            context={**context, "tender": tender, "need": need},
            url=url,
        )
        told += 1
    return told


__all__ = [
    "follow",
    "followers_carry_over",
    "followers_notify",
    "followers_notify_now",
    "target_path",
    "unfollow",
]
