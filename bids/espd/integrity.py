"""The ESPD responses on a bid's receipt: what makes a sealed response provable afterwards.

At submission every ESPD response of the bid is hashed: the SHA-256 of the canonical JSON of the
organisation's number, its role in the bid and the sealed response itself (party details,
answers, group name). The hash is stamped on the response's row (``EspdResponse.sha256``) and,
with the organisation and the role, written into the bid's ``espd_receipt``, next to
``content_sha256``: the receipt and the opening protocol print it, and ``manage.py
verify_bid_integrity`` decrypts each response again and compares (:func:`receipt_problems`).

After opening, an officer may record a response the bidder sent on request (FOA § 23-6,
``espd_response_record_by_buyer``): the row gets the new hash, the receipt keeps the submitted
one, and the audit event of that recording carries the new hash; the check accepts a response
that differs from the receipt only when such an event vouches for it.

A bid without ESPD has an empty ``espd_receipt`` and nothing here changes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bids import crypto
from bids.espd.roles import answerers
from bids.models import Bid, EspdResponse
from bids.services import sealing
from marketplace.models import AuditEvent, Organisation

RECORDED_BY_BUYER = "bid.espd_imported_by_buyer"


def response_sha256(*, org_number: str, role: str, content: dict[str, Any]) -> str:
    """The hash of one organisation's response: who answers, in which role, and what."""
    return sealing.content_sha256({"organisation": org_number, "role": role, "response": content})


@dataclass(frozen=True)
class Unsealed:
    sealed: bytes
    content: dict[str, Any]


def unseal_all(bid: Bid, *, key: bytes | None = None) -> dict[int, Unsealed]:
    """Every response of the bid, sealed bytes and plaintext, by response id. Read before the
    submission's lock; :func:`stamp_receipt` reads again any that changed meanwhile."""
    responses = list(EspdResponse.objects.filter(bid=bid).select_related("bid"))
    if not responses:
        return {}
    key = key or sealing.data_key(bid)
    return {
        response.pk: Unsealed(
            bytes(response.sealed_answers or b""), sealing.unseal_espd(response, key=key)
        )
        for response in responses
    }


def stamp_receipt(bid: Bid, unsealed: dict[int, Unsealed]) -> list[dict[str, Any]]:
    """Under the bid's lock at submission: hash each response, stamp its row, and return the
    receipt's entries, the answering organisations first in their order (lead, members)."""
    responses = list(
        EspdResponse.objects.filter(bid=bid).select_related("organisation").order_by("pk")
    )
    if not responses:
        return []
    roles = {answerer.organisation.pk: answerer.role for answerer in answerers(bid)}
    order = list(roles)
    responses.sort(
        key=lambda r: order.index(r.organisation_id) if r.organisation_id in roles else len(order)
    )
    key = None
    entries = []
    for response in responses:
        known = unsealed.get(response.pk)
        if known is None or known.sealed != bytes(response.sealed_answers or b""):
            key = key or sealing.data_key(bid)
            content = sealing.unseal_espd(response, key=key)
        else:
            content = known.content
        role = roles.get(response.organisation_id, "")
        org_number = response.organisation.org_number
        response.sha256 = response_sha256(org_number=org_number, role=role, content=content)
        response.save(update_fields=["sha256"])
        entries.append(
            {
                "organisation": response.organisation_id,
                "org_number": org_number,
                "role": role,
                "sha256": response.sha256,
            }
        )
    return entries


@dataclass(frozen=True)
class ReceiptLine:
    """One ESPD response as the receipt and the opening protocol print it."""

    name: str
    org_number: str
    role: str
    role_label: str
    sha256: str


def receipt_lines(bid: Bid, *, names: dict[int, str] | None = None) -> list[ReceiptLine]:
    """The bid's ``espd_receipt`` with the organisations' names (``names`` by id, when the
    caller has read them for several bids at once)."""
    entries = bid.espd_receipt or []
    if not entries:
        return []
    if names is None:
        names = organisation_names([bid])
    labels = dict(EspdResponse.Role.choices)
    return [
        ReceiptLine(
            name=names.get(int(entry["organisation"]), ""),
            org_number=entry.get("org_number", ""),
            role=entry.get("role", ""),
            role_label=str(labels.get(entry.get("role", ""), "")),
            sha256=entry.get("sha256", ""),
        )
        for entry in entries
    ]


def organisation_names(bids) -> dict[int, str]:
    ids = {int(entry["organisation"]) for bid in bids for entry in bid.espd_receipt or []}
    if not ids:
        return {}
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


# --- Checking (verify_bid_integrity) ------------------------------------------------------------


def _vouched_by_recording(bid: Bid, organisation_id: int, digest: str) -> bool:
    """Whether an officer's recording after opening (an audit event) carries this hash."""
    return AuditEvent.objects.filter(
        action=RECORDED_BY_BUYER,
        object_type=f"{Bid._meta.app_label}.{Bid._meta.model_name}",
        object_id=str(bid.pk),
        after__organisation=organisation_id,
        after__sha256=digest,
    ).exists()


def receipt_problems(bid: Bid, *, key: bytes) -> tuple[list[str], int]:
    """Every way the bid's stored ESPD responses differ from its receipt, and how many responses
    were decrypted. Reads ``bid.espd_responses`` (prefetch it, with the organisations)."""
    responses = {response.organisation_id: response for response in bid.espd_responses.all()}
    entries = {int(entry["organisation"]): entry for entry in bid.espd_receipt or []}
    if not entries and not any(response.sha256 for response in responses.values()):
        return [], 0  # no ESPD, or submitted before ESPD responses were put on the receipt
    problems = [
        f"the ESPD response of {entry.get('org_number', organisation_id)} on the receipt is missing"
        for organisation_id, entry in entries.items()
        if organisation_id not in responses
    ]
    checked = 0
    for organisation_id, response in responses.items():
        org_number = response.organisation.org_number
        where = f"the ESPD response of {org_number}"
        entry = entries.get(organisation_id)
        if entry is None:
            problems.append(f"{where} is not on the receipt")
            continue
        try:
            content = sealing.unseal_espd(response, key=key)
        except (crypto.SealError, ValueError) as exc:
            problems.append(f"{where} does not decrypt or read: {exc}")
            continue
        checked += 1
        digest = response_sha256(
            org_number=entry.get("org_number", ""), role=entry.get("role", ""), content=content
        )
        if digest == entry.get("sha256"):
            if response.sha256 != digest:
                problems.append(f"{where}: its row's SHA-256 {response.sha256} was changed")
            continue
        if response.sha256 == digest and _vouched_by_recording(bid, organisation_id, digest):
            continue  # recorded by an officer after opening, as the audit chain says
        problems.append(
            f"{where}: SHA-256 {digest} differs from the receipt's {entry.get('sha256')}"
        )
    return problems, checked
