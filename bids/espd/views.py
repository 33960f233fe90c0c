"""The ESPD pages: the buyer chooses the criteria of a draft tender's ESPD request; each
organisation of a bid answers its own ESPD response (or imports one made elsewhere) and anyone
on the bidding side downloads the XML; after opening, the buyer downloads every response and may
record one a bidder sent on request.

Bids are reached as everywhere else: ``bid_for_bidder`` (404, audited) on the bidding side,
``tender_for_bid_work`` and the seal's ``require_read`` on the buyer's side.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bids.espd import services
from bids.espd.forms import EspdAnswerForm, EspdImportForm, EspdRequestForm
from bids.espd.importing import espd_response_import
from bids.espd.lots import bid_lot_ids
from bids.espd.request_xml import request_xml
from bids.models import Bid, EspdCriterion, EspdResponse
from bids.selectors.buyer import tender_for_bid_work
from bids.selectors.supplier import bid_for_bidder
from bids.services import sealing
from marketplace.errors import DomainError
from marketplace.forms.errors import add_service_error
from marketplace.models import Organisation
from marketplace.policy import Action, user_can
from tenders.selectors.buyer import tender_for_buyer


def _xml_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _filename(bid: Bid, organisation: Organisation, lot: str | None = None) -> str:
    suffix = f"-{lot}" if lot and lot.replace("-", "").isalnum() else ""
    return f"espd-{bid.tender.reference}-{organisation.org_number}{suffix}.xml"


# --- The buyer's request ---------------------------------------------------------------------


def _stateable(chosen: list[EspdCriterion], posted: list[str]) -> list[EspdCriterion]:
    """The selection criteria whose requirements the request page offers: those chosen, and
    those ticked in the form being sent."""
    ids = {c.pk for c in chosen if c.kind == EspdCriterion.Kind.SELECTION}
    ids |= {int(value) for value in posted if value.isdigit()}
    return list(services.choosable_criteria().filter(kind=EspdCriterion.Kind.SELECTION, pk__in=ids))


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request, reference: str):
    tender = tender_for_buyer(request.user, reference)
    espd_request = services.request_for(tender)
    chosen = services.request_criteria(espd_request)
    if espd_request is None:
        chosen = list(services.default_criteria())
    initial = {
        "exclusion": [c for c in chosen if c.kind == EspdCriterion.Kind.EXCLUSION],
        "selection": [c for c in chosen if c.kind == EspdCriterion.Kind.SELECTION],
    }
    form = EspdRequestForm(
        request.POST or None,
        initial=initial,
        stateable=_stateable(chosen, request.POST.getlist("selection")),
        requirements=espd_request.requirements if espd_request else {},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.espd_request_set(
                    tender=tender,
                    criteria=form.criteria,
                    by=request.user,
                    requirements=form.requirements,
                )
            except DomainError as error:
                if error.field and form.field_of(error.field):
                    form.add_error(form.field_of(error.field), error.message)
                else:
                    add_service_error(form, error, fallback="file")
            else:
                messages.success(request, _("The ESPD request is saved."))
                return redirect("bids:espd_request", reference=tender.reference)
        status = 400
    return render(
        request,
        "bids/buyer/espd_request.html",
        {
            "tender": tender,
            "form": form,
            "espd_request": espd_request,
            "chosen": chosen,
            "applies": services.espd_applies(tender),
            "editable": tender.status == tender.Status.DRAFT,
        },
        status=status,
    )


@login_required
@require_GET
def request_download(request, reference: str):
    tender = tender_for_buyer(request.user, reference)
    espd_request = services.request_for(tender)
    if espd_request is None:
        raise Http404
    return _xml_response(request_xml(espd_request), f"espd-request-{tender.reference}.xml")


# --- The bidding side ------------------------------------------------------------------------


def _answerer(request, bid: Bid, organisation_id: int, *, may_write: bool) -> Organisation:
    for answerer in services.answerers(bid):
        if answerer.organisation.pk == organisation_id:
            if may_write and not user_can(request.user, Action.BID_PREPARE, answerer.organisation):
                raise Http404
            return answerer.organisation
    raise Http404


@login_required
@require_GET
def bid_espd(request, public_id):
    bid, side = bid_for_bidder(request.user, public_id, what="bid.espd")
    espd_request = services.request_for(bid.tender)
    if espd_request is None:
        raise Http404
    responses = {r.organisation_id: r for r in EspdResponse.objects.filter(bid=bid)}
    rows = [
        {
            "organisation": a.organisation,
            "role": EspdResponse.Role(a.role).label,
            "response": responses.get(a.organisation.pk),
            "mine": user_can(request.user, Action.BID_PREPARE, a.organisation),
        }
        for a in services.answerers(bid)
    ]
    return render(
        request,
        "bids/supplier/espd.html",
        {
            "bid": bid,
            "tender": bid.tender,
            "rows": rows,
            "is_lead": side == sealing.Side.BIDDER,
            # One ESPD response XML names one lot: a bid on several lots offers one per lot.
            "lots": lots if len(lots := bid_lot_ids(bid)) > 1 else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def bid_espd_answer(request, public_id, organisation_id: int):
    bid, side = bid_for_bidder(request.user, public_id, what="bid.espd_answer")
    organisation = _answerer(request, bid, organisation_id, may_write=True)
    espd_request = services.request_for(bid.tender)
    criteria = services.request_criteria(espd_request)
    if not criteria:
        raise Http404
    content = services.response_content_or_prefill(bid, organisation)
    form = EspdAnswerForm(
        request.POST or None,
        criteria=criteria,
        content=content,
        requirements=espd_request.requirements,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                response = services.espd_response_save(
                    bid=bid,
                    organisation=organisation,
                    content=form.response_content(),
                    by=request.user,
                )
            except DomainError as error:
                add_service_error(form, error, fallback="file")
            else:
                if response.is_complete:
                    messages.success(request, _("The ESPD is saved and complete."))
                else:
                    messages.warning(
                        request, _("The ESPD is saved, but some questions are still unanswered.")
                    )
                return redirect("bids:supplier_espd", public_id=bid.public_id)
        status = 400
    return render(
        request,
        "bids/supplier/espd_form.html",
        {
            "bid": bid,
            "tender": bid.tender,
            "organisation": organisation,
            "form": form,
            "sections": form.layout(),
            "import_form": EspdImportForm(),
            "is_lead": side == sealing.Side.BIDDER,
            "editable": bid.status == Bid.Status.DRAFT,
        },
        status=status,
    )


@login_required
@require_POST
def bid_espd_import(request, public_id, organisation_id: int):
    bid, side = bid_for_bidder(request.user, public_id, what="bid.espd_import")
    organisation = _answerer(request, bid, organisation_id, may_write=True)
    form = EspdImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            espd_response_import(
                bid=bid,
                organisation=organisation,
                uploaded=form.cleaned_data["file"],
                by=request.user,
            )
        except DomainError as error:
            add_service_error(form, error, fallback="file")
        else:
            messages.success(request, _("The ESPD response is imported."))
            return redirect("bids:supplier_espd", public_id=bid.public_id)
    espd_request = services.request_for(bid.tender)
    answer_form = EspdAnswerForm(
        criteria=services.request_criteria(espd_request),
        content=services.response_content_or_prefill(bid, organisation),
        requirements=espd_request.requirements if espd_request else {},
    )
    return render(
        request,
        "bids/supplier/espd_form.html",
        {
            "bid": bid,
            "tender": bid.tender,
            "organisation": organisation,
            "form": answer_form,
            "sections": answer_form.layout(),
            "import_form": form,
            "is_lead": side == sealing.Side.BIDDER,
            "editable": bid.status == Bid.Status.DRAFT,
        },
        status=400,
    )


@login_required
@require_GET
def bid_espd_download(request, public_id, organisation_id: int):
    bid, _side = bid_for_bidder(request.user, public_id, what="bid.espd_download")
    organisation = _answerer(request, bid, organisation_id, may_write=False)
    response = get_object_or_404(EspdResponse, bid=bid, organisation=organisation)
    lot = request.GET.get("lot")
    return _xml_response(
        services.response_xml(response, lot=lot), _filename(bid, organisation, lot)
    )


# --- The buyer, after opening ------------------------------------------------------------------


def _opened_bid(request, reference: str, public_id, *, what: str) -> Bid:
    tender = tender_for_bid_work(request.user, reference)
    bid = get_object_or_404(
        Bid.objects.select_related("tender", "supplier"),
        tender=tender,
        public_id=public_id,
        status=Bid.Status.SUBMITTED,
    )
    try:
        sealing.require_read(request.user, bid, what=what)
    except sealing.Sealed as error:
        raise Forbidden(error.message) from error
    return bid


@login_required
@require_GET
def buyer_espd_download(request, reference: str, public_id, organisation_id: int):
    bid = _opened_bid(request, reference, public_id, what=f"buyer.espd:{organisation_id}")
    response = get_object_or_404(EspdResponse, bid=bid, organisation_id=organisation_id)
    lot = request.GET.get("lot")
    return _xml_response(
        services.response_xml(response, lot=lot), _filename(bid, response.organisation, lot)
    )


@login_required
@require_http_methods(["GET", "POST"])
def buyer_espd_import(request, reference: str, public_id):
    bid = _opened_bid(request, reference, public_id, what="buyer.espd_import")
    if not user_can(request.user, Action.TENDER_MANAGE, bid.tender):
        raise Http404
    everyone = [a.organisation for a in services.answerers(bid)]
    form = EspdImportForm(request.POST or None, request.FILES or None)
    chosen = request.POST.get("organisation") if request.method == "POST" else None
    status = 200
    if request.method == "POST":
        organisation = next((o for o in everyone if str(o.pk) == chosen), None)
        if organisation is None:
            form.add_error(None, _("Choose the organisation the ESPD is from."))
        elif form.is_valid():
            try:
                espd_response_import(
                    bid=bid,
                    organisation=organisation,
                    uploaded=form.cleaned_data["file"],
                    by=request.user,
                )
            except DomainError as error:
                add_service_error(form, error, fallback="file")
            else:
                messages.success(request, _("The ESPD response is recorded with the bid."))
                return redirect(
                    "bids:bids_bid_detail", reference=bid.tender.reference, public_id=bid.public_id
                )
        status = 400
    responses = {r.organisation_id: r for r in EspdResponse.objects.filter(bid=bid)}
    return render(
        request,
        "bids/buyer/espd_import.html",
        {
            "bid": bid,
            "tender": bid.tender,
            "form": form,
            "organisations": [(o, responses.get(o.pk)) for o in everyone],
            "chosen": chosen,
        },
        status=status,
    )
