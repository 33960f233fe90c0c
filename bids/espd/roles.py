"""Who answers the ESPD on a bid, and in which role: the lead supplier (alone: sole) and every
consortium member that has not declined. Reads only; the ESPD services, the receipt's hashes
(``bids.espd.integrity``) and the ESPD pages all ask here."""

from __future__ import annotations

from dataclasses import dataclass

from bids.models import Bid, ConsortiumMember, EspdResponse
from marketplace.models import Organisation


@dataclass(frozen=True)
class Answerer:
    organisation: Organisation
    role: str  # EspdResponse.Role


def answerers(bid: Bid) -> list[Answerer]:
    """The lead supplier and every consortium member that has not declined, with its role."""
    members = [
        m
        for m in bid.consortium_members.select_related("organisation")
        if m.organisation_id and m.status != ConsortiumMember.Status.DECLINED
    ]
    if not members:
        return [Answerer(bid.supplier, EspdResponse.Role.SOLE)]
    return [
        Answerer(bid.supplier, EspdResponse.Role.LEAD),
        *[Answerer(m.organisation, EspdResponse.Role.MEMBER) for m in members],
    ]


def role_of(bid: Bid, organisation: Organisation) -> str | None:
    for answerer in answerers(bid):
        if answerer.organisation.pk == organisation.pk:
            return answerer.role
    return None
