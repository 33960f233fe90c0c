"""The award pages: decisions per lot, un-award and contract signature for the buyer, and the
supplier's page of award letters (scoped to the bidding organisation through the seal).

Reached through the same gate as the other buyer bid pages (``bids.views.buyer._gate``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bids.forms.buyer import AwardForm, WithdrawAwardForm
from bids.models import AwardDecision, Bid
from bids.selectors import buyer as selectors
from bids.services import award as award_services
from bids.services import sealing
from bids.views.buyer import _error, _gate
from marketplace.errors import DomainError
from marketplace.forms.errors import add_service_error

# --- Award ----------------------------------------------------------------------------------------


def _award_forms(lot_results, data=None, number=None):
    forms = {}
    for item in lot_results:
        choices = [
            (r.bid.pk, f"{r.bid.supplier.name} ({formats.localize(r.total)})")
            for r in item.results
            if r.qualified and r.complete
        ]
        bound = data if number == item.lot.number else None
        forms[item.lot.pk] = AwardForm(bound, choices=choices, prefix=f"lot{item.lot.number}")
    return forms


def _award_page(request, tender, roles, forms=None, status=200):
    results = selectors.lot_results(tender)
    forms = forms or _award_forms(results)
    return render(
        request,
        "bids/buyer/award.html",
        {
            "tender": tender,
            "roles": roles,
            "criteria": list(tender.criteria.all()),
            "lots": [(item, forms.get(item.lot.pk)) for item in results],
            "history": selectors.award_history(tender),
        },
        status=status,
    )


@login_required
@require_GET
def award_page(request, reference: str):
    tender, roles, sealed = _gate(request, reference, what="buyer.award")
    if sealed is not None:
        return sealed
    return _award_page(request, tender, roles)


@login_required
@require_POST
def award_decide(request, reference: str, number: int):
    tender, roles, sealed = _gate(request, reference, what="buyer.award_decide")
    if sealed is not None:
        return sealed
    if not roles.manage:
        raise PermissionDenied
    lot = get_object_or_404(tender.lots, number=number)
    forms = _award_forms(selectors.lot_results(tender), request.POST, number)
    form = forms[lot.pk]
    if form.is_valid():
        bid = get_object_or_404(
            Bid, tender=tender, pk=form.cleaned_data["bid"], status=Bid.Status.SUBMITTED
        )
        try:
            award_services.award_decide(
                tender=tender,
                lot=lot,
                bid=bid,
                by=request.user,
                reasons=form.cleaned_data["reasons"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The award decision is made and the bidders are told."))
            return redirect("bids:bids_award", reference=reference)
    return _award_page(request, tender, roles, forms=forms, status=400)


def _decision(tender, pk) -> AwardDecision:
    return get_object_or_404(
        AwardDecision.objects.select_related("lot", "bid__supplier"), tender=tender, pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def award_withdraw(request, reference: str, pk: int):
    tender, roles, sealed = _gate(request, reference, what="buyer.award_withdraw")
    if sealed is not None:
        return sealed
    if not roles.manage:
        raise PermissionDenied
    decision = _decision(tender, pk)
    form = WithdrawAwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            award_services.award_withdraw(
                decision=decision, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The award is withdrawn and the bidders are told."))
            return redirect("bids:bids_award", reference=reference)
    return render(
        request,
        "bids/buyer/award_withdraw.html",
        {"tender": tender, "decision": decision, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def contract_sign(request, reference: str, pk: int):
    tender, _roles, sealed = _gate(request, reference, what="buyer.contract_sign")
    if sealed is not None:
        return sealed
    decision = _decision(tender, pk)
    try:
        award_services.contract_sign(decision=decision, by=request.user)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("The contract signature is recorded."))
    return redirect("bids:bids_award", reference=reference)


# --- Supplier: award letters ----------------------------------------------------------------------


@login_required
@require_GET
def supplier_award_letters(request, public_id):
    """The award letters of a bid, for the bidding organisation (lead or consortium member)."""
    bid = Bid.objects.select_related("tender", "supplier").filter(public_id=public_id).first()
    if bid is None or sealing.bidder_side(request.user, bid) is None:
        raise Http404
    return render(
        request,
        "bids/buyer/supplier_letters.html",
        {"bid": bid, "tender": bid.tender, "letters": selectors.letters_for_bid(bid)},
    )
