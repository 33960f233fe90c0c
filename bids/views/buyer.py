"""The buyer's bid pages: opening and its protocol, and evaluation (evaluators, qualification,
scores, consensus, report). Award and the supplier's award letters are in ``bids.views.award``.

A tender is reached only through ``tender_for_bid_work`` (404 for other organisations, units and
unassigned evaluators). Before opening every page about bids shows only that they are sealed and
until when — never how many — and the attempt is refused and audited by the seal.
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bids.forms.buyer import (
    AssignEvaluatorForm,
    QualificationForm,
    ScoreSheetForm,
)
from bids.models import Bid, ConsensusScore, TenderOpening
from bids.selectors import buyer as selectors
from bids.services import bid_files as document_services
from bids.services import evaluation as evaluation_services
from bids.services import opening as opening_services
from bids.services import sealing
from marketplace.downloads import attachment_response
from marketplace.errors import DomainError
from marketplace.formatting import format_datetime, format_number
from marketplace.forms.errors import add_service_error
from tenders.models import Tender

# --- Helpers --------------------------------------------------------------------------------------


def _sealed_page(request, tender, roles, *, status=403):
    pending = TenderOpening.objects.filter(tender=tender, opened_at__isnull=True).first()
    return render(
        request,
        "bids/buyer/sealed.html",
        {"tender": tender, "roles": roles, "pending": pending},
        status=status,
    )


def _gate(request, reference: str, *, what: str, status=403):
    """The tender and the person's roles, or the sealed page (refusal audited by the seal).

    Someone with no bid role on the tender gets 404; on a tender that exists, the attempt is
    audited as well (a superuser typing the URL, another buyer's officer).
    """
    try:
        tender = selectors.tender_for_bid_work(request.user, reference)
    except Http404:
        existing = Tender.objects.own().filter(reference=reference).first()
        if existing is not None:
            sealing.record_refusal(user=request.user, tender=existing, what=what)
        raise
    roles = selectors.roles_on(request.user, tender)
    try:
        sealing.require_tender_bids_readable(request.user, tender, what=what)
    except sealing.Sealed:
        return tender, roles, _sealed_page(request, tender, roles, status=status)
    return tender, roles, None


def _bid(tender, public_id) -> Bid:
    return get_object_or_404(
        Bid.objects.select_related("supplier", "tender"),
        tender=tender,
        public_id=public_id,
        status=Bid.Status.SUBMITTED,
    )


def _error(request, error: DomainError) -> None:
    messages.error(request, error.message)


# --- My evaluations -------------------------------------------------------------------------------


@login_required
@require_GET
def my_evaluations(request):
    tenders = selectors.my_evaluations(request.user)
    return render(request, "bids/buyer/my_evaluations.html", {"tenders": tenders})


# --- Opening --------------------------------------------------------------------------------------


@login_required
@require_GET
def bids_overview(request, reference: str):
    tender, roles, sealed = _gate(request, reference, what="buyer.bids_overview", status=200)
    if sealed is not None:
        return sealed
    return render(
        request,
        "bids/buyer/overview.html",
        {"tender": tender, "roles": roles, "opening": tender.opening},
    )


@login_required
@require_POST
def bids_open(request, reference: str):
    tender = selectors.tender_for_bid_work(request.user, reference)
    pending = TenderOpening.objects.filter(tender=tender, opened_at__isnull=True).exists()
    try:
        if pending:
            opening_services.opening_confirm(tender=tender, by=request.user)
        else:
            result = opening_services.opening_start(tender=tender, by=request.user)
            if not result.is_open:
                messages.success(request, _("The opening waits for a second opener to confirm."))
                return redirect("bids:buyer_bids", reference=reference)
    except DomainError as error:
        _error(request, error)
        return redirect("bids:buyer_bids", reference=reference)
    messages.success(request, _("The bids are opened and the bidders are told."))
    return redirect("bids:bids_protocol", reference=reference)


@login_required
@require_GET
def bids_protocol(request, reference: str):
    tender, roles, sealed = _gate(request, reference, what="buyer.protocol")
    if sealed is not None:
        return sealed
    return render(
        request,
        "bids/buyer/protocol.html",
        {"tender": tender, "roles": roles, "opening": tender.opening},
    )


def protocol_rows(protocol: dict) -> list[list[str]]:
    header = [
        _("Bidder"),
        _("Organisation number"),
        _("Consortium members"),
        _("Lot"),
        _("Price (NOK excl. VAT)"),
        _("Documents"),
        _("Document SHA-256"),
        _("Submitted"),
        _("ESPD SHA-256"),
    ]
    rows = [header]
    for entry in protocol.get("bids", []):
        members = "; ".join(f"{m['name']} ({m['org_number']})" for m in entry["consortium"])
        hashes = " ".join(d["sha256"] for d in entry["documents"])
        espd = " ".join(f"{r['org_number']}:{r['sha256']}" for r in entry.get("espd", []))
        for line in entry["lots"] or [{"number": "", "price": ""}]:
            rows.append(
                [
                    entry["supplier"],
                    entry["org_number"],
                    members,
                    str(line["number"]),
                    format_number(line["price"]),
                    str(entry["document_count"]),
                    hashes,
                    format_datetime(entry["submitted_at"], seconds=True),
                    espd,
                ]
            )
    return rows


@login_required
@require_GET
def bids_protocol_download(request, reference: str, fmt: str):
    if fmt not in ("csv", "txt"):
        raise Http404
    tender, _roles, sealed = _gate(request, reference, what=f"buyer.protocol_{fmt}")
    if sealed is not None:
        return sealed
    opening = tender.opening
    rows = protocol_rows(opening.protocol)
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        body, content_type = buffer.getvalue(), "text/csv; charset=utf-8"
    else:
        lines = [
            _("Opening protocol %(reference)s") % {"reference": tender.reference},
            tender.title,
            f"{_('Opened')}: {format_datetime(opening.protocol.get('opened_at'), seconds=True)}",
            _("Protocol SHA-256: %(hash)s") % {"hash": opening.protocol_sha256},
            "",
        ]
        lines += ["\t".join(row) for row in rows]
        body, content_type = "\n".join(lines) + "\n", "text/plain; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="opening-{tender.reference}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Evaluation -----------------------------------------------------------------------------------


def _candidates(tender, user):
    """Whom ``user`` may name: the tender's unit's evaluators, or the buyer's (an administrator
    of the whole organisation)."""
    across_units = evaluation_services.may_name_across_units(user, tender)
    return selectors.evaluator_candidates(tender, across_units=across_units), across_units


def _evaluation_context(tender, roles, user, assign_form=None):
    bids = list(selectors.opened_bids(tender))
    candidates, across_units = _candidates(tender, user)
    assign_form = assign_form or AssignEvaluatorForm(candidates=candidates)
    return {
        "tender": tender,
        "roles": roles,
        "bids": [(bid, selectors.protocol_entry(tender, bid)) for bid in bids],
        "assignments": selectors.assignments_of(tender),
        "assign_form": assign_form,
        "across_units": across_units,
        "no_candidates": not assign_form.has_candidates,
    }


@login_required
@require_GET
def evaluation(request, reference: str):
    tender, roles, sealed = _gate(request, reference, what="buyer.evaluation")
    if sealed is not None:
        return sealed
    return render(
        request, "bids/buyer/evaluation.html", _evaluation_context(tender, roles, request.user)
    )


@login_required
@require_POST
def evaluator_assign(request, reference: str):
    tender, roles, sealed = _gate(request, reference, what="buyer.evaluator_assign")
    if sealed is not None:
        return sealed
    form = AssignEvaluatorForm(request.POST, candidates=_candidates(tender, request.user)[0])
    if form.is_valid():
        try:
            evaluation_services.evaluator_assign(
                tender=tender, user=form.cleaned_data["user"], by=request.user
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The evaluator is assigned."))
            return redirect("bids:bids_evaluation", reference=reference)
    context = _evaluation_context(tender, roles, request.user, assign_form=form)
    return render(request, "bids/buyer/evaluation.html", context, status=400)


@login_required
@require_POST
def evaluator_remove(request, reference: str, pk: int):
    tender, _roles, sealed = _gate(request, reference, what="buyer.evaluator_remove")
    if sealed is not None:
        return sealed
    assignment = get_object_or_404(tender.evaluator_assignments, pk=pk)
    try:
        evaluation_services.evaluator_unassign(assignment=assignment, by=request.user)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("The evaluator is removed."))
    return redirect("bids:bids_evaluation", reference=reference)


def _bid_page(request, tender, roles, bid, form=None, status=200):
    try:
        sealing.require_read(request.user, bid, what="buyer.bid_detail")
    except sealing.Sealed as error:
        raise PermissionDenied(error.message) from error
    content = sealing.unseal_content(bid)
    documents = [
        (document, sealing.unseal_document_meta(document)) for document in bid.documents.all()
    ]
    assessment = selectors.qualification_of(bid)
    if form is None:
        initial = {"result": assessment.result, "reason": assessment.reason} if assessment else {}
        form = QualificationForm(initial=initial)
    return render(
        request,
        "bids/buyer/bid_detail.html",
        {
            "tender": tender,
            "roles": roles,
            "bid": bid,
            "entry": selectors.protocol_entry(tender, bid),
            "content": content,
            "criteria": list(tender.criteria.all()),
            "requirements": list(tender.requirements.all()),
            "documents": documents,
            "assessment": assessment,
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def bid_detail(request, reference: str, public_id):
    tender, roles, sealed = _gate(request, reference, what="buyer.bid_detail")
    if sealed is not None:
        return sealed
    return _bid_page(request, tender, roles, _bid(tender, public_id))


@login_required
@require_GET
def bid_document(request, reference: str, public_id, document_id):
    tender, _roles, sealed = _gate(request, reference, what="buyer.bid_document")
    if sealed is not None:
        return sealed
    bid = _bid(tender, public_id)
    document = get_object_or_404(bid.documents, public_id=document_id)
    if not document.is_available:  # waiting for, or stopped by, the virus scan
        raise Http404
    try:
        sealing.require_read(request.user, bid, what=f"buyer.bid_document:{document.public_id}")
    except sealing.Sealed as error:
        raise PermissionDenied(error.message) from error
    # The same file name and type the supplier sees (read only now, after the audited check).
    key = sealing.data_key(bid)
    return attachment_response(
        document_services.document_plaintext_stream(document, key=key),
        filename=document_services.download_name(document, key=key),
        content_type=document.content_type,
    )


@login_required
@require_POST
def bid_qualification(request, reference: str, public_id):
    tender, roles, sealed = _gate(request, reference, what="buyer.qualification")
    if sealed is not None:
        return sealed
    bid = _bid(tender, public_id)
    form = QualificationForm(request.POST)
    if form.is_valid():
        try:
            evaluation_services.qualification_assess(
                bid=bid,
                by=request.user,
                result=form.cleaned_data["result"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The qualification check is saved."))
            return redirect("bids:bids_evaluation", reference=reference)
    return _bid_page(request, tender, roles, bid, form=form, status=400)


def _sheet_lots(tender, bid):
    lot_ids = selectors.bid_lot_ids(tender, bid)
    return [lot for lot in tender.lots.order_by("number") if lot.pk in lot_ids]


@login_required
@require_http_methods(["GET", "POST"])
def score_sheet(request, reference: str, public_id):
    """An assigned evaluator's own scores of one bid."""
    tender, roles, sealed = _gate(request, reference, what="buyer.score_sheet")
    if sealed is not None:
        return sealed
    if not roles.evaluate:
        raise PermissionDenied
    bid = _bid(tender, public_id)
    existing = {
        (score.lot_id, score.criterion_id): score
        for score in selectors.scores_of(tender, evaluator=request.user).filter(bid=bid)
    }
    form = ScoreSheetForm(
        request.POST or None,
        lots=_sheet_lots(tender, bid),
        criteria=list(tender.criteria.all()),
        initial_scores=existing,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():  # the whole sheet, or nothing
                    for row, points, comment in form.entries():
                        evaluation_services.score_set(
                            bid=bid,
                            lot=row["lot"],
                            criterion=row["criterion"],
                            by=request.user,
                            points=points,
                            comment=comment,
                        )
            except DomainError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Your scores are saved."))
                return redirect("bids:bids_score_sheet", reference=reference, public_id=public_id)
        status = 400
    return render(
        request,
        "bids/buyer/score_sheet.html",
        {"tender": tender, "roles": roles, "bid": bid, "form": form, "consensus": False},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consensus_sheet(request, reference: str, public_id):
    """The officer fixes the agreed scores of one bid, seeing every evaluator's."""
    tender, roles, sealed = _gate(request, reference, what="buyer.consensus")
    if sealed is not None:
        return sealed
    if not roles.manage:
        raise PermissionDenied
    bid = _bid(tender, public_id)
    existing = {
        (score.lot_id, score.criterion_id): score
        for score in ConsensusScore.objects.filter(bid=bid)
    }
    form = ScoreSheetForm(
        request.POST or None,
        lots=_sheet_lots(tender, bid),
        criteria=list(tender.criteria.all()),
        initial_scores=existing,
        consensus=True,
    )
    by_key = selectors.scores_by_key(tender)
    for row in form.rows:
        row["evaluator_scores"] = by_key.get((bid.pk, row["lot"].pk, row["criterion"].pk), [])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():  # the whole sheet, or nothing
                    for row, points, rationale in form.entries():
                        evaluation_services.consensus_set(
                            bid=bid,
                            lot=row["lot"],
                            criterion=row["criterion"],
                            by=request.user,
                            points=points,
                            rationale=rationale,
                        )
            except DomainError as error:
                if error.field == "rationale":
                    error.field = None
                add_service_error(form, error)
            else:
                messages.success(request, _("The agreed scores are saved."))
                return redirect("bids:bids_evaluation", reference=reference)
        status = 400
    return render(
        request,
        "bids/buyer/score_sheet.html",
        {"tender": tender, "roles": roles, "bid": bid, "form": form, "consensus": True},
        status=status,
    )


@login_required
@require_GET
def evaluation_report(request, reference: str):
    tender, roles, sealed = _gate(request, reference, what="buyer.evaluation_report")
    if sealed is not None:
        return sealed
    return render(
        request,
        "bids/buyer/report.html",
        {
            "tender": tender,
            "roles": roles,
            "opening": tender.opening,
            "bids": list(selectors.opened_bids(tender)),
            "criteria": list(tender.criteria.all()),
            "lot_results": selectors.lot_results(tender),
            "assignments": selectors.assignments_of(tender),
            "history": selectors.award_history(tender),
        },
    )
