"""The lot-design aid's pages: the counts for a tender the person manages (others get 404) and
saving the reason for not dividing it into lots (drafts only, through the tender service)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.errors import DomainError
from matching.lot_design.design import (
    MOST_LOTS_DEFAULT,
    LotDesign,
    lot_design,
)
from matching.lot_design.forms import JustificationForm, LimitsForm
from matching.lot_design.justification import (
    justification_history,
    justification_prefill,
    lot_split_justify,
)
from matching.lot_design.tally import SIZES
from matching.selectors.tenders import tender_to_match
from tenders import lifecycle
from tenders.models import Tender


def _design(tender: Tender, limits: LimitsForm) -> LotDesign:
    data = limits.cleaned_data if limits.is_valid() else {}
    most = data.get("most_lots") or max(MOST_LOTS_DEFAULT, len(tender.lots.all()))
    return lot_design(tender, most_lots=most, max_per_bidder=data.get("max_per_bidder"))


def _render(request, tender: Tender, limits: LimitsForm, form: JustificationForm | None = None):
    design = _design(tender, limits)
    # The reason is asked for only while the purchase is not divided (FOA § 19-4).
    editable = lifecycle.is_editable(tender) and design.lots is None
    if form is None and editable:
        form = JustificationForm(
            initial={"justification": tender.no_lots_justification or justification_prefill(design)}
        )
    return render(
        request,
        "matching/lot_design.html",
        {
            "tender": tender,
            "design": design,
            "limits": limits,
            "form": form if editable else None,
            "history": justification_history(tender),
            "sizes": SIZES,
        },
        status=400 if (form is not None and form.errors) or limits.errors else 200,
    )


@login_required
@require_GET
def tender_lot_design(request, reference: str):
    tender = tender_to_match(request.user, reference)
    return _render(request, tender, LimitsForm(request.GET or None))


@login_required
@require_POST
def tender_lot_design_justify(request, reference: str):
    tender = tender_to_match(request.user, reference)
    limits = LimitsForm(request.GET or None)
    form = JustificationForm(request.POST)
    if not form.is_valid():
        return _render(request, tender, limits, form)
    try:
        lot_split_justify(
            tender=tender,
            by=request.user,
            text=form.cleaned_data["justification"],
            design=_design(tender, limits),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The reason for not dividing the purchase is saved."))
    return redirect("matching:tender_lot_design", reference=tender.reference)
