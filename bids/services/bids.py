"""Writes on the bidding side: start a bid, edit the draft, submit, withdraw, make a new version.

Every write checks the policy (``Action.BID_PREPARE`` on the lead supplier), re-seals the content
under the bid's own data key (nothing of what the bid says is stored in plain text), and records
an audit event with ids and statuses only — never the content.

A submission is on time when the server had the whole request before the deadline: its
receipt time (``received_at``, stamped by ``ReceivedAtMiddleware`` before any waiting) is the
stamp on the bid and is judged against the deadline as committed when the bid is written
(Annex IV a). Unsealing and hashing happen before any lock; the short writing transaction holds
the tender's row in share mode only, so bids of different suppliers do not queue behind one
another, while a deadline change or a close waits for them (and they for it).
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import orgnr

from bids.content import BidContent, Subcontractor
from bids.espd.integrity import Unsealed
from bids.espd.integrity import stamp_receipt as stamp_espd_receipt
from bids.espd.integrity import unseal_all as unseal_espd_responses
from bids.espd.services import copy_responses as copy_espd_responses
from bids.models import Bid, BidDocument, ConsortiumMember
from bids.services import sealing
from bids.services.bid_files import copy_documents, delete_files, documents_size
from bids.services.completeness import WHOLE_CONTRACT, completeness_problems, lot_choices
from bids.services.consortium import link_registered_members, notify_invited_on_commit
from bids.services.guards import (
    BidError,
    DeadlinePassed,
    deadline_message,
    lock_bid,
    lock_supplier_on,
    require_before_deadline,
    require_draft,
    require_open_for_bids,
    require_prepare,
    require_received_in_time,
)
from bids.services.receipts import receipt_send_on_commit
from marketplace.errors import InvalidTransition, PermissionDenied
from marketplace.models import Organisation
from marketplace.services.audit import audit_record
from tenders.lifecycle import deadline_passed
from tenders.models import Tender
from tenders.services.locks import lock_shared as lock_tender_shared

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # base32 without 0/O and 1/I


class BidIncomplete(BidError):
    """The bid cannot be submitted yet; ``problems`` lists every reason (field, message)."""

    code = "bid_incomplete"

    def __init__(self, problems: list[tuple[str | None, str]]):
        super().__init__(" ".join(message for _field, message in problems), code=self.code)
        self.problems = problems


def _status_data(bid: Bid) -> dict:
    return {"bid": str(bid.public_id), "version": bid.version, "status": bid.status}


# --- Start ------------------------------------------------------------------------------------


@transaction.atomic
def bid_start(
    *, tender: Tender, supplier: Organisation, by, now: datetime.datetime | None = None
) -> Bid:
    """Start a bid (or return the draft already started) on a published tender of our own.

    Nobody is made to follow the tender: a follow is visible to staff and would hint at who is
    bidding. Bidders hear of amendments and deadline changes from ``bidders_notify_changed``.
    """
    now = now or timezone.now()
    require_prepare(by, supplier)
    if supplier.kind != Organisation.Kind.SUPPLIER:
        raise PermissionDenied(_("Only suppliers make bids."))
    tender = lock_supplier_on(tender, supplier.pk)
    require_open_for_bids(tender, now)
    existing = Bid.objects.filter(tender=tender, supplier=supplier, status=Bid.Status.DRAFT).first()
    if existing is not None:
        return existing
    if Bid.objects.filter(tender=tender, supplier=supplier, status=Bid.Status.SUBMITTED).exists():
        raise InvalidTransition(
            _("Your organisation has submitted a bid here; make a new version of it instead."),
            code="bid_already_submitted",
        )
    latest = Bid.objects.filter(tender=tender, supplier=supplier).aggregate(v=Max("version"))["v"]
    bid = Bid(tender=tender, supplier=supplier, version=(latest or 0) + 1, created_by=by)
    key = sealing.new_envelope(bid)
    sealing.seal_content(bid, BidContent().to_dict(), key=key)
    bid.save(force_insert=True)
    audit_record(actor=by, action="bid.started", obj=bid, after=_status_data(bid))
    return bid


# --- Edit -------------------------------------------------------------------------------------


def _clean_subcontractors(tender: Tender, items: list[Subcontractor]) -> list[Subcontractor]:
    if items and not tender.subcontracting_allowed:
        raise BidError(
            _("This tender does not allow subcontractors."),
            code="bid_subcontracting_forbidden",
            field="subcontractors",
        )
    cleaned = []
    for item in items:
        try:
            number = orgnr.validate(item.org_number)
        except StdnumError:
            raise BidError(
                _("%(number)s is not a valid organisation number.") % {"number": item.org_number},
                code="bid_subcontractor_org_number",
                field="subcontractors",
            ) from None
        share = Decimal(item.share_percent)
        if not Decimal("0") < share <= Decimal("100"):
            raise BidError(
                _("A subcontractor's share must be more than 0 and at most 100 per cent."),
                code="bid_subcontractor_share",
                field="subcontractors",
            )
        cleaned.append(
            Subcontractor(
                name=item.name.strip()[:200],
                org_number=number,
                share_percent=share,
                work=item.work.strip()[:1000],
            )
        )
    return cleaned


def clean_content(tender: Tender, content: BidContent) -> BidContent:
    """Keep only what belongs to this tender; refuse more lots than a bidder may bid on."""
    lots = {key for key, _label in lot_choices(tender)}
    unknown = set(content.prices) - lots
    if unknown:
        raise BidError(_("Choose lots of this tender."), code="bid_unknown_lot", field="lots")
    if tender.max_lots_per_bidder and len(content.prices) > tender.max_lots_per_bidder:
        raise BidError(
            _("You may bid on at most %(count)s lots in this tender.")
            % {"count": tender.max_lots_per_bidder},
            code="bid_too_many_lots",
            field="lots",
        )
    for price in content.prices.values():
        if price is not None and price < 0:
            raise BidError(_("A price cannot be negative."), code="bid_price", field="lots")
    requirements = set(tender.requirements.values_list("pk", flat=True))
    criteria = set(tender.criteria.values_list("pk", flat=True))
    return BidContent(
        prices=dict(content.prices),
        qualification={k: v.strip() for k, v in content.qualification.items() if k in requirements},
        criteria={k: v.strip() for k, v in content.criteria.items() if k in criteria},
        subcontractors=_clean_subcontractors(tender, content.subcontractors),
        message=content.message.strip(),
    )


@transaction.atomic
def bid_update(*, bid: Bid, by, content: BidContent, now: datetime.datetime | None = None) -> Bid:
    """Replace the draft's content (any member of the lead supplier may), sealed again."""
    now = now or timezone.now()
    require_prepare(by, bid)
    bid = lock_bid(bid)
    require_draft(bid)
    require_before_deadline(bid.tender, now)
    cleaned = clean_content(bid.tender, content)
    sealing.seal_content(bid, cleaned.to_dict())
    bid.save(update_fields=["sealed_content", "updated_at"])
    audit_record(actor=by, action="bid.updated", obj=bid, after=_status_data(bid))
    return bid


def read_content(bid: Bid) -> BidContent:
    """The draft's content for its own editors. Callers have passed the seal's check."""
    return BidContent.from_dict(sealing.unseal_content(bid))


# --- Submit -------------------------------------------------------------------------------------


def new_receipt_code(tender: Tender) -> str:
    random_part = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{tender.reference}-{random_part}"


@dataclass(frozen=True)
class _Prepared:
    """What submitting a draft needs that takes time, worked out before any lock."""

    sealed_content: bytes
    content: BidContent
    content_sha256: str
    espd: dict[int, Unsealed]  # the ESPD responses, by id (hashed under the lock)


def _prepare(bid: Bid) -> _Prepared:
    key = sealing.data_key(bid)
    content = BidContent.from_dict(sealing.unseal_content(bid, key=key))
    return _Prepared(
        sealed_content=bytes(bid.sealed_content or b""),
        content=content,
        content_sha256=sealing.content_sha256(content.to_dict()),
        espd=unseal_espd_responses(bid, key=key),
    )


def bid_submit(
    *,
    bid: Bid,
    by,
    received_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Bid:
    """Submit a draft received at ``received_at`` (the view passes ``request.received_at``;
    ``now`` stands in for it in tests; else the server's time now).

    First, outside any lock: unseal and hash the content, unseal the ESPD responses. Then one
    short transaction: hold the tender's row in share mode, lock this bid, judge ``received_at``
    against the deadline as committed, check completeness, stamp ``submitted_at = received_at``,
    hash each ESPD response onto the receipt (``bids.espd.integrity``), give the receipt number
    and replace the previous version. The receipt is e-mailed on commit.
    """
    received_at = received_at or now or timezone.now()
    require_prepare(by, bid)
    bid = Bid.objects.select_related("tender", "supplier").get(pk=bid.pk)
    require_draft(bid)
    require_received_in_time(bid.tender, received_at)  # late: refused before any work
    return _submit_prepared(bid=bid, by=by, received_at=received_at, prepared=_prepare(bid))


@transaction.atomic
def _submit_prepared(*, bid: Bid, by, received_at: datetime.datetime, prepared: _Prepared) -> Bid:
    tender = lock_tender_shared(bid.tender)  # a deadline change that commits first wins
    bid = lock_bid(bid)
    bid.tender = tender
    require_draft(bid)
    require_received_in_time(tender, received_at)
    if bytes(bid.sealed_content or b"") != prepared.sealed_content:
        prepared = _prepare(bid)  # edited meanwhile: read again, under this bid's own lock
    link_registered_members(bid=bid, by=by)
    problems = completeness_problems(bid, prepared.content)
    if problems:
        raise BidIncomplete(problems)

    previous = None
    if bid.previous_id:
        previous = Bid.objects.select_for_update().get(pk=bid.previous_id)
    if previous is not None and previous.status == Bid.Status.SUBMITTED:
        previous.status = Bid.Status.REPLACED
        previous.save(update_fields=["status", "updated_at"])
        audit_record(actor=by, action="bid.replaced", obj=previous, after=_status_data(previous))
    bid.status = Bid.Status.SUBMITTED
    bid.submitted_at = received_at
    bid.submitted_by = by
    bid.is_joint = bid.consortium_members.exists()
    bid.content_sha256 = prepared.content_sha256
    bid.espd_receipt = stamp_espd_receipt(bid, prepared.espd)
    bid.receipt_code = new_receipt_code(tender)
    bid.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by",
            "is_joint",
            "content_sha256",
            "espd_receipt",
            "receipt_code",
            "updated_at",
        ]
    )
    audit_record(
        actor=by,
        action="bid.submitted",
        obj=bid,
        after={
            **_status_data(bid),
            "submitted_at": received_at,
            "content_sha256": bid.content_sha256,
            **(
                {"espd_sha256": [e["sha256"] for e in bid.espd_receipt]} if bid.espd_receipt else {}
            ),
            "receipt": bid.receipt_code,
            "documents": bid.documents.count(),
        },
    )
    receipt_send_on_commit(bid)
    return bid


# --- Withdraw and new version -------------------------------------------------------------------


@transaction.atomic
def bid_withdraw(*, bid: Bid, by, now: datetime.datetime | None = None) -> Bid:
    """Withdraw a submitted bid before the deadline; a draft made from it stays a draft."""
    require_prepare(by, bid)
    tender = lock_supplier_on(bid.tender, bid.supplier_id)
    now = now or timezone.now()
    bid = lock_bid(bid)
    if bid.status != Bid.Status.SUBMITTED:
        raise InvalidTransition(
            _("Only a submitted bid can be withdrawn."), code="bid_not_submitted"
        )
    if deadline_passed(tender.submission_deadline, now):
        raise DeadlinePassed(
            _("The deadline has passed; the bid can no longer be withdrawn."),
            code="bid_deadline_passed",
        )
    bid.status = Bid.Status.WITHDRAWN
    bid.withdrawn_at = now
    bid.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit_record(actor=by, action="bid.withdrawn", obj=bid, after=_status_data(bid))
    return bid


@transaction.atomic
def bid_new_version(*, bid: Bid, by, now: datetime.datetime | None = None) -> Bid:
    """A new draft copied from a submitted bid, under a NEW data key: the content is sealed
    again and every document re-encrypted. Submitting it replaces the submitted one.

    Consortium members are invited again and must confirm the new version.
    """
    require_prepare(by, bid)
    tender = lock_supplier_on(bid.tender, bid.supplier_id)  # documents are re-encrypted below
    now = now or timezone.now()
    bid = lock_bid(bid)
    if bid.status != Bid.Status.SUBMITTED:
        raise InvalidTransition(
            _("A new version can be made only of a submitted bid."), code="bid_not_submitted"
        )
    require_before_deadline(tender, now)
    if Bid.objects.filter(tender=tender, supplier=bid.supplier, status=Bid.Status.DRAFT).exists():
        raise InvalidTransition(
            _("There is already a draft of this bid; continue with it."), code="bid_draft_exists"
        )
    if hasattr(bid, "next_version"):
        raise InvalidTransition(
            _("A newer version of this bid already exists."), code="bid_has_next_version"
        )
    content = read_content(bid)
    latest = Bid.objects.filter(tender=tender, supplier=bid.supplier).aggregate(v=Max("version"))
    new = Bid(
        tender=tender,
        supplier=bid.supplier,
        version=latest["v"] + 1,
        previous=bid,
        is_joint=bid.is_joint,
        created_by=by,
    )
    key = sealing.new_envelope(new)
    sealing.seal_content(new, content.to_dict(), key=key)
    new.save(force_insert=True)
    for member in bid.consortium_members.all():
        ConsortiumMember.objects.create(
            bid=new,
            org_number=member.org_number,
            organisation=member.organisation,
            invited_by=by,
        )
    copy_espd_responses(source=bid, target=new, key=key)
    copies = copy_documents(source=bid, target=new, key=key, by=by)
    try:
        audit_record(
            actor=by,
            action="bid.version_created",
            obj=new,
            after={**_status_data(new), "previous": str(bid.public_id)},
        )
    except BaseException:
        delete_files(copies)  # the rows roll back with the transaction; the files must go too
        raise
    notify_invited_on_commit(new)
    return new


__all__ = [
    "WHOLE_CONTRACT",
    "BidDocument",
    "BidError",
    "BidIncomplete",
    "DeadlinePassed",
    "bid_new_version",
    "bid_start",
    "bid_submit",
    "bid_update",
    "bid_withdraw",
    "clean_content",
    "completeness_problems",
    "deadline_message",
    "documents_size",
    "lock_bid",
    "lock_supplier_on",
    "lot_choices",
    "read_content",
    "require_before_deadline",
    "require_draft",
    "require_open_for_bids",
    "require_prepare",
    "require_received_in_time",
]
