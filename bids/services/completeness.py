"""What a bid on a tender consists of: the lots it can be bid on, and everything that keeps a
draft from being submitted (its own rules, the documents' virus scans from
``bids.services.bid_files``, the ESPD from ``bids.espd.services``). Reads only;
``bids.services.bids`` does the writing."""

from __future__ import annotations

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from bids.content import BidContent
from bids.espd.services import espd_problems
from bids.models import Bid, ConsortiumMember
from bids.services.bid_files import documents_size, scan_problems
from tenders.models import Tender

# A tender that is not divided into lots is bid on as one whole: its "lot" is this key.
WHOLE_CONTRACT = 0


def lot_choices(tender: Tender) -> list[tuple[int, str]]:
    """(key, label) of what can be bid on: the tender's lots, or the whole contract."""
    lots = list(tender.lots.order_by("number"))
    if not lots:
        return [(WHOLE_CONTRACT, _("The whole contract"))]
    return [
        (lot.pk, _("Lot %(number)s: %(title)s") % {"number": lot.number, "title": lot.title})
        for lot in lots
    ]


def completeness_problems(bid: Bid, content: BidContent) -> list[tuple[str | None, str]]:
    """Everything that keeps the bid from being submitted, as (field, message)."""
    tender = bid.tender
    problems: list[tuple[str | None, str]] = scan_problems(bid)
    if not content.prices:
        problems.append(("lots", _("Choose at least one lot to bid on.")))
    labels = dict(lot_choices(tender))
    for lot, price in sorted(content.prices.items()):
        if price is None:
            problems.append(
                ("lots", _("Give a price for %(lot)s.") % {"lot": labels.get(lot, lot)})
            )
    for requirement in tender.requirements.order_by("order", "pk"):
        if not content.qualification.get(requirement.pk, "").strip():
            problems.append(
                (
                    "qualification",
                    _("Answer the qualification requirement “%(text)s”.")
                    % {"text": requirement.text[:80]},
                )
            )
    for criterion in tender.criteria.order_by("order", "pk"):
        if not content.criteria.get(criterion.pk, "").strip():
            problems.append(
                ("criteria", _("Answer the criterion “%(name)s”.") % {"name": criterion.name})
            )
    members = list(bid.consortium_members.all())
    if members and not tender.joint_bids_allowed:
        problems.append((None, _("This tender does not allow joint bids.")))
    for member in members:
        if member.organisation_id is None:
            problems.append(
                (
                    None,
                    _(
                        "The organisation %(number)s is not registered on Pilotmarked, so it "
                        "cannot confirm the joint bid. Ask it to register, or remove it."
                    )
                    % {"number": member.org_number},
                )
            )
        elif member.status != ConsortiumMember.Status.CONFIRMED:
            problems.append(
                (
                    None,
                    _("%(name)s has not confirmed the joint bid.")
                    % {"name": member.organisation.name},
                )
            )
    problems.extend(espd_problems(bid))
    total = documents_size(bid)
    if total > settings.BID_TOTAL_MAX_BYTES:
        problems.append(
            (
                None,
                _("The documents come to %(size)s; a bid may hold at most %(limit)s.")
                % {
                    "size": filesizeformat(total),
                    "limit": filesizeformat(settings.BID_TOTAL_MAX_BYTES),
                },
            )
        )
    return problems
