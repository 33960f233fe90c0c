"""Which lots an ESPD document names, with the ids the tender's notice gives them.

The notice (eForms) names a tender's lots ``LOT-0001``, ``LOT-0002`` … by their numbers
(``tenders.eforms.identifiers.lot_id``): the ESPD request and responses use the same ids, so a
buyer's tool can match them. A tender that is not divided into lots is one procedure, which
ESPD-EDM 4.1.0 calls ``LOT-0000`` (the taxonomy's default; a response names exactly one lot,
BR-LOT-10, and every selection criterion of a request at least one, BR-LOT-41).
"""

from __future__ import annotations

from collections.abc import Collection

from bids.espd.xml import WHOLE_PROCEDURE_LOT
from bids.models import Bid
from bids.services import sealing
from tenders.eforms.identifiers import lot_id
from tenders.models import Tender


def lot_ids(tender: Tender, lot_pks: Collection[int] | None = None) -> list[str]:
    """The ids of the tender's lots in ``lot_pks`` (all of them when None or when none of them
    is the tender's), in lot order; ``[LOT-0000]`` for a tender without lots."""
    lots = list(tender.lots.order_by("number"))
    if not lots:
        return [WHOLE_PROCEDURE_LOT]
    chosen = [lot for lot in lots if lot_pks is not None and lot.pk in lot_pks] or lots
    return [lot_id(lot.number) for lot in chosen]


def bid_lot_ids(bid: Bid) -> list[str]:
    """The lots the bid covers (every lot of the tender while a draft has chosen none).
    Internal: the caller has passed the seal's check (the lots are sealed)."""
    lots = sealing.unseal_content(bid).get("lots") or {}
    return lot_ids(bid.tender, {int(key) for key in lots})
