"""The buyer's tender as the match page reads it: the tender, its lots, codes, places and
requirements (what its match facts need) and the suppliers already invited, in two queries.

The tender is reached only through ``tenders_managed_by(user)``, as every buyer page reaches
it: another organisation's tender, or one of a unit where the person has no tender role, is 404.
"""

from __future__ import annotations

from django.http import Http404

from matching.models import MatchInvitation
from tenders.models import Tender
from tenders.selectors.buyer import tenders_managed_by
from tenders.selectors.public import TENDER_PARTS
from tenders.selectors.relations import Relation, Relations

_MATCH_PAGE_PARTS = Relations(
    *TENDER_PARTS,
    Relation(
        "match_invitations",
        lambda pk: MatchInvitation.objects.filter(tender_id=pk),
        "tender_id",
        MatchInvitation,
        lambda tender: [tender],
        to_attr="invitations_read",
        order=lambda invitation: invitation.pk,
    ),
)


def tender_to_match(user, reference: str) -> Tender:
    """The tender with what its match page reads; ``tender.invitations_read`` lists the
    suppliers it has invited. 404 unless ``user`` manages it."""
    tender = tenders_managed_by(user).filter(reference=reference).first()
    if tender is None:
        raise Http404
    _MATCH_PAGE_PARTS.prime(tender)
    return tender


def invited_suppliers(tender: Tender) -> set[int]:
    """The organisations the tender has invited (primary keys), from what the page read."""
    return {invitation.supplier_id for invitation in tender.invitations_read}
