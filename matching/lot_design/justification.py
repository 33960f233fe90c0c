"""The § 19-4 justification: why the purchase is not divided into lots (FOA § 19-4).

The text is prefilled from the lot-design figures, edited by the officer and kept in the
tender's own field (``Tender.no_lots_justification``, which publishing already asks for above
the EEA threshold). Saving goes through ``tenders.services.tenders.tender_update`` — the one way
a draft changes, with its permission check and its "tender.updated" audit event — and adds a
"tender.lots_not_divided" event holding the figures the decision rested on: the tender's history.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.errors import DomainError
from marketplace.formatting import format_date
from marketplace.models import AuditEvent
from marketplace.services.audit import audit_record
from matching.lot_design.design import LotDesign, design_figures
from tenders.models import Tender
from tenders.services.tenders import TenderInput, tender_update

EVENT = "tender.lots_not_divided"
HISTORY_ROWS = 10


def justification_prefill(design: LotDesign) -> str:
    """A first draft of the justification from the figures, in the active language."""
    whole = design.whole
    counts = whole.parts[0].counts
    lines = [
        _(
            "The registry of Pilotmarked was consulted on %(date)s. Of the published suppliers "
            "whose capabilities fit the purchase, %(alone)d could deliver all of it alone, "
            "%(smb)d of them small or medium-sized businesses and %(local)d based locally."
        )
        % {
            "date": format_date(now()),
            "alone": counts.alone_total,
            "smb": counts.alone_smb,
            "local": counts.alone_local_total,
        }
    ]
    if design.together_allowed:
        lines.append(
            ngettext(
                "Joint bids and subcontracting are allowed, so %(count)d more supplier can "
                "take part together with others.",
                "Joint bids and subcontracting are allowed, so %(count)d more suppliers can "
                "take part together with others.",
                counts.together_total,
            )
            % {"count": counts.together_total}
        )
    best = design.best
    if best is None:
        lines.append(
            ngettext(
                "No division into at most %(count)d lot that we examined (by CPV group, by "
                "area or by value) would let more small and medium-sized businesses bid alone.",
                "No division into at most %(count)d lots that we examined (by CPV group, by "
                "area or by value) would let more small and medium-sized businesses bid alone.",
                design.most_lots,
            )
            % {"count": design.most_lots}
        )
    else:
        lines.append(
            _(
                "Divided into %(lots)d lots (%(how)s), %(smb)d small or medium-sized "
                "businesses could bid alone on at least one lot."
            )
            % {
                "how": best.title[:1].lower() + best.title[1:],
                "lots": best.lot_count,
                "smb": best.smb,
            }
        )
    lines.append(placeholder())
    return "\n\n".join(lines)


def placeholder() -> str:
    """The line the officer must replace with the reason, in the active language."""
    return _("[Say why dividing the purchase would not serve it, for example …]")


def still_has_placeholder(text: str) -> bool:
    for language in ("nb", "en"):
        with translation.override(language):
            if placeholder() in text:
                return True
    return False


@transaction.atomic
def lot_split_justify(*, tender: Tender, by, text: str, design: LotDesign) -> Tender:
    """Keep ``text`` as the tender's reason for not dividing it into lots, with the figures.
    A tender divided into two or more lots needs no such reason: refused."""
    if tender.lots.count() >= 2:
        raise DomainError(
            _("The tender is divided into lots, so it needs no reason for not dividing it."),
            code="tender_divided",
        )
    tender = tender_update(
        tender=tender, by=by, data=TenderInput(fields={"no_lots_justification": text.strip()})
    )
    audit_record(
        actor=by,
        action=EVENT,
        obj=tender,
        after={"justification": tender.no_lots_justification, "figures": design_figures(design)},
    )
    return tender


def justification_history(tender: Tender) -> list[AuditEvent]:
    """The tender's § 19-4 decisions, newest first (one query)."""
    return list(
        AuditEvent.objects.filter(
            object_type="tenders.tender", object_id=str(tender.pk), action=EVENT
        )
        .select_related("actor")
        .order_by("-id")[:HISTORY_ROWS]
    )
