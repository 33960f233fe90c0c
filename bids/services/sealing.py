"""The seal: the one place that decrypts bid content, and decides who may ask.

Before the tender's bids are opened (``TenderOpening.opened_at``) only the bidding side may read
a bid: members of the lead supplier, and members of organisations invited into the consortium.
Nobody else — not the buyer, not a Django superuser, not the admin or the API — can read its
content or learn that it exists. After opening, the buyer's officers, openers and the assigned
evaluators may read it, and every such read is an audit event.

Views call :func:`require_read` (or :func:`may_read`) *outside* any transaction: a refusal is
audited in its own transaction, which must commit even though the request is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.translation import gettext as _

from bids import crypto
from bids.models import Bid, BidDocument, ConsortiumMember, EvaluatorAssignment, TenderOpening
from marketplace.errors import PermissionDenied
from marketplace.policy import Action, user_can, user_can_as_named
from marketplace.services.audit import audit_record
from marketplace.services.refusals import audit_refusal


class Side(StrEnum):
    BIDDER = "bidder"  # the lead supplier's members
    CONSORTIUM = "consortium"  # members of an invited consortium organisation
    BUYER = "buyer"  # officers, openers, assigned evaluators, after opening


class Sealed(PermissionDenied):
    """Bid content was asked for by someone the seal does not let through."""

    code = "bid_sealed"


@dataclass(frozen=True)
class Access:
    side: Side | None

    @property
    def allowed(self) -> bool:
        return self.side is not None


def tender_is_open(tender) -> bool:
    """Whether the tender's bids have been opened (both openers, when two are needed)."""
    return _has_opening(tender) and tender.opening.opened_at is not None


def _has_opening(tender) -> bool:
    try:
        tender.opening  # noqa: B018  (a reverse one-to-one raises when there is none)
    except TenderOpening.DoesNotExist:
        return False
    return True


def bidder_side(user, bid: Bid) -> Side | None:
    """Whether ``user`` reads ``bid`` as its lead supplier or as a consortium member."""
    if user_can(user, Action.BID_PREPARE, bid):
        return Side.BIDDER
    member_orgs = ConsortiumMember.objects.filter(
        bid=bid, organisation__isnull=False
    ).select_related("organisation")
    for member in member_orgs:
        if member.status != ConsortiumMember.Status.DECLINED and user_can(
            user, Action.BID_PREPARE, member.organisation
        ):
            return Side.CONSORTIUM
    return None


def buyer_may_read_tender_bids(user, tender) -> bool:
    """Whether ``user`` may read the bids of ``tender`` on the buyer's side (opened tenders only).

    Officers and openers of the tender's unit may; evaluators only when assigned to it.
    """
    if not tender_is_open(tender):
        return False
    if user_can(user, Action.TENDER_MANAGE, tender) or user_can(user, Action.BID_OPEN, tender):
        return True
    return (
        user_can_as_named(user, Action.BID_EVALUATE, tender)
        and EvaluatorAssignment.objects.filter(tender=tender, user=user).exists()
    )


def access(user, bid: Bid) -> Access:
    side = bidder_side(user, bid)
    if (
        side is None
        and bid.status != Bid.Status.DRAFT
        and buyer_may_read_tender_bids(user, bid.tender)
    ):
        side = Side.BUYER
    return Access(side)


def record_refusal(*, user, tender, what: str) -> None:
    """Audit a refused attempt at sealed data, in its own committed transaction.

    Repeats from the same person and address are tallied, not chained one by one
    (``marketplace.services.refusals``): probing cannot grow the audit chain without bound.
    """
    audit_refusal(
        actor=user,
        action="bid.sealed_access_refused",
        obj=tender,
        organisation=tender.buyer_id,
        after={"what": what, "opened": tender_is_open(tender)},
    )


def require_tender_bids_readable(user, tender, *, what: str) -> None:
    """For buyer-side pages listing a tender's bids: refuse (and audit) before opening."""
    if buyer_may_read_tender_bids(user, tender):
        return
    record_refusal(user=user, tender=tender, what=what)
    raise Sealed(
        _("The bids are sealed until they are opened after the deadline."), code="bid_sealed"
    )


def require_read(user, bid: Bid, *, what: str) -> Side:
    """The side ``user`` reads ``bid`` from, or raise :class:`Sealed` after auditing.

    Buyer-side reads are audited as ``bid.read``; the bidder reading its own bid is not.
    """
    result = access(user, bid)
    if not result.allowed:
        record_refusal(user=user, tender=bid.tender, what=what)
        raise Sealed(_("This bid is sealed."), code="bid_sealed")
    if result.side == Side.BUYER:
        with transaction.atomic():
            audit_record(
                actor=user,
                action="bid.read",
                obj=bid,
                organisation=bid.tender.buyer_id,
                after={"what": what},
            )
    return result.side


# --- Keys and content -------------------------------------------------------------------------


def canonical_bytes(content: dict[str, Any]) -> bytes:
    return json.dumps(
        content, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()


def content_sha256(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def new_envelope(bid: Bid) -> bytes:
    """Give a new (unsaved) bid its own data key, wrapped by the current KEK; returns the key."""
    data_key = crypto.new_data_key()
    bid.kek_id, wrapped = crypto.wrap_key(data_key, aad=bid.aad)
    bid.wrapped_key = wrapped
    return data_key


def data_key(bid: Bid) -> bytes:
    return crypto.unwrap_key(bid.kek_id, bytes(bid.wrapped_key), aad=bid.aad)


def seal_content(bid: Bid, content: dict[str, Any], *, key: bytes | None = None) -> None:
    """Set ``bid.sealed_content`` (the caller saves)."""
    bid.sealed_content = crypto.seal(key or data_key(bid), canonical_bytes(content), aad=bid.aad)


def unseal_content(bid: Bid, *, key: bytes | None = None) -> dict[str, Any]:
    """The bid's content. Internal: callers have passed :func:`require_read` first."""
    if not bid.sealed_content:
        return {}
    return json.loads(crypto.unseal(key or data_key(bid), bytes(bid.sealed_content), aad=bid.aad))


def seal_espd(response, content: dict[str, Any], *, key: bytes | None = None) -> None:
    """Set ``response.sealed_answers`` (an ``EspdResponse``; the caller saves)."""
    key = key or data_key(response.bid)
    response.sealed_answers = crypto.seal(key, canonical_bytes(content), aad=response.aad)


def unseal_espd(response, *, key: bytes | None = None) -> dict[str, Any]:
    """An ESPD response's answers. Internal: callers have passed :func:`require_read` first."""
    if not response.sealed_answers:
        return {}
    key = key or data_key(response.bid)
    return json.loads(crypto.unseal(key, bytes(response.sealed_answers), aad=response.aad))


def seal_document_meta(document: BidDocument, meta: dict[str, Any], *, key: bytes) -> None:
    document.sealed_meta = crypto.seal(key, canonical_bytes(meta), aad=document.aad + b"|meta")


def unseal_document_meta(document: BidDocument, *, key: bytes | None = None) -> dict[str, Any]:
    key = key or data_key(document.bid)
    return json.loads(crypto.unseal(key, bytes(document.sealed_meta), aad=document.aad + b"|meta"))


def seal_document_stream(
    document: BidDocument, chunks: Iterable[bytes], *, key: bytes
) -> Iterator[bytes]:
    """The sealed blob of a document, piece by piece (the chunked format)."""
    return crypto.seal_stream(key, chunks, aad=document.aad)


def unseal_document_stream(document: BidDocument, *, key: bytes | None = None) -> Iterator[bytes]:
    """The document's plaintext, chunk by chunk, read from storage; the file is closed when the
    iteration ends. Internal: callers have passed :func:`require_read` first."""
    key = key or data_key(document.bid)
    with document.file.open("rb") as handle:
        yield from crypto.unseal_stream(key, handle, aad=document.aad)


def seal_document_bytes(document: BidDocument, plaintext: bytes, *, key: bytes) -> bytes:
    return b"".join(seal_document_stream(document, [plaintext], key=key))


def unseal_document_bytes(document: BidDocument, *, key: bytes | None = None) -> bytes:
    return b"".join(unseal_document_stream(document, key=key))


def rewrap(bid: Bid, *, ring: crypto.Keyring | None = None) -> bool:
    """Re-wrap the bid's data key with the current KEK (key rotation). True when it changed.

    Only the wrapped key changes: content and documents stay encrypted under the same data key.
    """
    ring = ring or crypto.keyring()
    if bid.kek_id == ring.current_id:
        return False
    key = crypto.unwrap_key(bid.kek_id, bytes(bid.wrapped_key), aad=bid.aad, ring=ring)
    bid.kek_id, bid.wrapped_key = crypto.wrap_key(key, aad=bid.aad, ring=ring)
    bid.save(update_fields=["kek_id", "wrapped_key"])
    return True
