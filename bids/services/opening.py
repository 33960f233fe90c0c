"""Opening a tender's bids (Annex IV c, e).

Only after ``tender.opens_at`` (the later of the opening date and the deadline), only by a holder
of the opener role for the tender's unit. With ``two_person_opening`` the first opener's request
waits for a second, different opener's confirmation; nothing is decrypted before that.

Opening freezes the opening protocol (bidders with organisation numbers, consortium members,
lots and prices, documents with their SHA-256, the ESPD responses' SHA-256 from each receipt,
submission times) as JSON with its SHA-256, tells every bidder, and is an audit event.
"""

from __future__ import annotations

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bids.espd.integrity import organisation_names as espd_organisation_names
from bids.espd.integrity import receipt_lines as espd_receipt_lines
from bids.models import Bid, ConsortiumMember, TenderOpening
from bids.selectors.buyer import bidder_users
from bids.services import sealing
from marketplace.errors import DomainError, PermissionDenied
from marketplace.models import NotificationKind
from marketplace.policy import Action, user_can
from marketplace.services.audit import audit_record, canonical_json
from marketplace.services.notifications import notify
from tenders.models import Tender
from tenders.services.closing import tender_close
from tenders.services.follows import target_path
from tenders.services.locks import lock

OPENABLE_STATUSES = frozenset(
    {Tender.Status.PUBLISHED, Tender.Status.CLOSED, Tender.Status.IN_EVALUATION}
)


def require_opener(by, tender: Tender) -> None:
    if not user_can(by, Action.BID_OPEN, tender):
        raise PermissionDenied(
            _("Only a bid opener of this service area may open the bids."), code="opening_denied"
        )


def _require_openable(tender: Tender, now: datetime.datetime) -> Tender:
    if tender.is_external or tender.status not in OPENABLE_STATUSES:
        raise DomainError(
            _("The bids of this tender cannot be opened."), code="opening_not_allowed"
        )
    if tender.opens_at is None or now < tender.opens_at:
        raise DomainError(
            _("The bids may not be opened before the deadline has passed."),
            code="opening_too_early",
        )
    if tender.status == Tender.Status.PUBLISHED:
        # The periodic task has not closed it yet: close it as the system would.
        tender = tender_close(tender=tender, now=now)
    return tender


def _user_label(user) -> dict:
    return {"id": user.pk, "name": str(user), "email": user.email}


def _protocol(tender: Tender, opening: TenderOpening, now: datetime.datetime) -> dict:
    """The frozen opening protocol: what the bids say on their face, not their answers."""
    lots = {lot.pk: lot for lot in tender.lots.all()}
    entries = []
    bids = (
        Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED)
        .select_related("supplier")
        .prefetch_related("documents", "consortium_members__organisation")
        .order_by("submitted_at", "pk")
    )
    names = espd_organisation_names(bids)
    for bid in bids:
        key = sealing.data_key(bid)
        content = sealing.unseal_content(bid, key=key)
        bid_lots = []
        for lot_id, item in sorted((content.get("lots") or {}).items(), key=lambda i: int(i[0])):
            lot = lots.get(int(lot_id))
            bid_lots.append(
                {
                    "lot_id": int(lot_id),
                    "number": lot.number if lot else None,
                    "title": lot.title if lot else "",
                    "price": (item or {}).get("price"),
                }
            )
        documents = []
        for document in bid.documents.all():
            meta = sealing.unseal_document_meta(document, key=key)
            documents.append(
                {"name": meta.get("name", ""), "size": document.size, "sha256": document.sha256}
            )
        members = [
            {
                "name": member.organisation.name if member.organisation_id else "",
                "org_number": member.org_number,
                "status": member.status,
            }
            for member in bid.consortium_members.all()
            if member.status == ConsortiumMember.Status.CONFIRMED
        ]
        entries.append(
            {
                "bid": str(bid.public_id),
                "receipt": bid.receipt_code or "",
                "supplier": bid.supplier.name,
                "org_number": bid.supplier.org_number,
                "joint": bid.is_joint,
                "consortium": members,
                "subcontractors": content.get("subcontractors") or [],
                "lots": bid_lots,
                "documents": documents,
                "document_count": len(documents),
                "content_sha256": bid.content_sha256,
                "submitted_at": bid.submitted_at,
            }
        )
        espd = espd_receipt_lines(bid, names=names)
        if espd:  # a bid without ESPD keeps the protocol's shape it always had
            entries[-1]["espd"] = [
                {
                    "name": line.name,
                    "org_number": line.org_number,
                    "role": line.role,
                    "sha256": line.sha256,
                }
                for line in espd
            ]
    return canonical_json(
        {
            "tender": tender.reference,
            "title": tender.title,
            "buyer": tender.display_buyer,
            "submission_deadline": tender.submission_deadline,
            "opens_at": tender.opens_at,
            "opened_at": now,
            "opened_by": _user_label(opening.requested_by),
            "confirmed_by": _user_label(opening.confirmed_by) if opening.confirmed_by else None,
            "bid_count": len(entries),
            "bids": entries,
        }
    )


def protocol_sha256(protocol: dict) -> str:
    return hashlib.sha256(sealing.canonical_bytes(protocol)).hexdigest()


def _complete(tender: Tender, opening: TenderOpening, now: datetime.datetime) -> TenderOpening:
    opening.opened_at = now
    opening.protocol = _protocol(tender, opening, now)
    opening.protocol_sha256 = protocol_sha256(opening.protocol)
    opening.save()
    audit_record(
        actor=opening.confirmed_by or opening.requested_by,
        action="bid.opened",
        obj=opening,
        after={
            "tender": tender.reference,
            "opened_by": opening.requested_by_id,
            "confirmed_by": opening.confirmed_by_id,
            "opened_at": now,
            "bid_count": opening.protocol["bid_count"],
            "protocol_sha256": opening.protocol_sha256,
        },
    )
    _notify_bidders(tender)
    return opening


def _notify_bidders(tender: Tender) -> None:
    url = target_path(tender=tender)
    for bid in Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED).select_related(
        "supplier"
    ):
        for user in bidder_users(bid):
            notify(
                recipient=user,
                kind=NotificationKind.BIDS,
                key=f"bids:opened:{tender.pk}",
                template="bids/notifications/buyer_opened",
                context={"tender": tender, "supplier": bid.supplier.name},
                url=url,
            )


@transaction.atomic
def opening_start(*, tender: Tender, by, now: datetime.datetime | None = None) -> TenderOpening:
    """Open the bids, or with two-person opening record the first opener's request."""
    require_opener(by, tender)
    tender = lock(tender)
    now = now or timezone.now()
    tender = _require_openable(tender, now)
    existing = TenderOpening.objects.filter(tender=tender).first()
    if existing is not None:
        if existing.is_open:
            raise DomainError(_("The bids are already opened."), code="opening_done")
        raise DomainError(
            _("The opening waits for a second opener to confirm."), code="opening_pending"
        )
    opening = TenderOpening.objects.create(tender=tender, requested_by=by, requested_at=now)
    if tender.two_person_opening:
        audit_record(
            actor=by,
            action="bid.opening_requested",
            obj=opening,
            after={"tender": tender.reference, "requested_at": now},
        )
        return opening
    return _complete(tender, opening, now)


@transaction.atomic
def opening_confirm(*, tender: Tender, by, now: datetime.datetime | None = None) -> TenderOpening:
    """The second opener confirms a two-person opening; the bids are opened."""
    require_opener(by, tender)
    tender = lock(tender)
    now = now or timezone.now()
    tender = _require_openable(tender, now)
    opening = TenderOpening.objects.select_for_update().filter(tender=tender).first()
    if opening is None:
        raise DomainError(_("No opening has been started."), code="opening_not_started")
    if opening.is_open:
        raise DomainError(_("The bids are already opened."), code="opening_done")
    if opening.requested_by_id == by.pk:
        raise DomainError(
            _("A second, different opener must confirm the opening."),
            code="opening_same_person",
        )
    opening.confirmed_by = by
    return _complete(tender, opening, now)


@transaction.atomic
def opening_cancel_request(*, tender: Tender, by) -> None:
    """Withdraw a pending two-person opening request (before anything is decrypted)."""
    require_opener(by, tender)
    tender = lock(tender)
    opening = TenderOpening.objects.filter(tender=tender, opened_at__isnull=True).first()
    if opening is None:
        raise DomainError(_("No opening is waiting."), code="opening_not_started")
    audit_record(
        actor=by,
        action="bid.opening_request_withdrawn",
        obj=tender,
        before={"requested_by": opening.requested_by_id, "requested_at": opening.requested_at},
    )
    opening.delete()
