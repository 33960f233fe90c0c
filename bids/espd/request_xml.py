"""The ESPD request of a tender as ESPD-EDM 4.1.0 XML (the buyer's request), and what both it
and the responses say about the procedure (``procedure_of``). The responses themselves are
written by ``bids.espd.services.response_xml`` (they are sealed with the bid)."""

from __future__ import annotations

import uuid

from bids.espd.lots import lot_ids
from bids.espd.xml import CriterionXml, Procedure, RequestDocument, build_request
from bids.models import EspdRequest
from tenders.models import Tender

# Our procedures as the EU's procurement-procedure-type codes.
PROCEDURE_CODES = {
    "open": "open",
    "restricted": "restricted",
    "negotiation": "neg-w-call",
    "dialogue": "comp-dial",
    "innovation": "innovation",
}


def procedure_of(tender: Tender) -> Procedure:
    return Procedure(
        reference=tender.reference,
        title=tender.title,
        buyer_name=tender.buyer.name if tender.buyer_id else tender.buyer_name,
        buyer_org_number=(tender.buyer.org_number if tender.buyer_id else "")
        or tender.buyer_org_number,
        procedure_code=PROCEDURE_CODES.get(tender.procedure, "open"),
    )


def request_xml(request: EspdRequest) -> bytes:
    """The tender's ESPD request: every lot as the notice names it, the criteria chosen and
    what the buyer requires on them. Not sealed: it is published with the tender."""
    tender = request.tender
    return build_request(
        RequestDocument(
            procedure=procedure_of(tender),
            criteria=[
                CriterionXml(c.code, c.xml) for c in request.criteria.order_by("order", "pk")
            ],
            lots=lot_ids(tender),
            requirements=dict(request.requirements or {}),
            issued_at=request.updated_at,
            document_uuid=str(
                uuid.uuid5(uuid.NAMESPACE_URL, f"pilotmarked:espd-request:{tender.reference}")
            ),
        )
    )
