"""The bidding side's pages: my bids, start a bid, the bid's page, edit, documents, the joint
bid, submit, withdraw, new version, and the receipt (page and plain text).

Every bid is reached through ``bid_for_bidder`` (404 — audited — for anyone who is not the lead
supplier or an invited consortium member); every write goes through a service, and a DomainError
becomes a form error or a message. Consortium members read the bid and answer the invitation;
only the lead's members change it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bids.forms.supplier import (
    BidDocumentForm,
    BidForm,
    ConsortiumInviteForm,
    StartBidForm,
    SubcontractorFormSet,
    subcontractor_initial,
    subcontractors_from,
)
from bids.models import Bid, ConsortiumMember
from bids.selectors.outcomes import with_outcomes
from bids.selectors.supplier import (
    bid_for_bidder,
    bid_for_tender,
    bidding_organisations,
    bids_of,
    document_for_bidder,
    documents_of,
    invitation_for,
    invitations_of,
    versions_of,
)
from bids.services import bid_files as document_services
from bids.services import bids as services
from bids.services import consortium as consortium_services
from bids.services import sealing
from bids.services.receipts import receipt_for, receipt_text
from bids.services.sealing import Side
from marketplace.downloads import attachment_response
from marketplace.errors import DomainError
from marketplace.forms.errors import add_service_error
from marketplace.receipt_time import received_at
from marketplace.upload_limits import status_for as upload_status_for
from tenders.lifecycle import deadline_passed
from tenders.models import Source, Tender


def _detail(bid):
    return redirect("bids:supplier_bid_detail", public_id=bid.public_id)


def _lead_bid(request, public_id, what):
    """The bid for its lead supplier's members; consortium members get 404 on writing pages."""
    bid, side = bid_for_bidder(request.user, public_id, what=what)
    if side != Side.BIDDER:
        raise Http404
    return bid


# --- My bids --------------------------------------------------------------------------------------


@login_required
@require_GET
def my_bids(request):
    organisations = bidding_organisations(request.user)
    if not organisations.exists():
        raise Http404
    page = Paginator(bids_of(request.user), 20).get_page(request.GET.get("page"))
    page.object_list = with_outcomes(page.object_list, now=timezone.now())
    return render(
        request,
        "bids/supplier/my_bids.html",
        {"page_obj": page, "invitations": list(invitations_of(request.user)[:50])},
    )


# --- Start ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def bid_start(request, reference: str):
    tender = get_object_or_404(
        Tender.objects.filter(source=Source.OWN).exclude(status=Tender.Status.DRAFT),
        reference=reference,
    )
    organisations = bidding_organisations(request.user)
    if not organisations.exists():
        raise Http404
    existing = bid_for_tender(request.user, tender)
    if request.method == "GET" and existing is not None and organisations.count() == 1:
        return _detail(existing)  # the button on the tender page leads to the bid under way
    form = StartBidForm(
        request.POST or None,
        organisations=organisations,
        initial={"supplier": organisations.first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            bid = services.bid_start(
                tender=tender, supplier=form.cleaned_data["supplier"], by=request.user
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Your draft bid is ready. Nothing is sent until you submit it.")
            )
            return redirect("bids:supplier_bid_edit", public_id=bid.public_id)
    return render(request, "bids/supplier/start.html", {"tender": tender, "form": form})


# --- The bid's page -------------------------------------------------------------------------------


@login_required
@require_GET
def bid_detail(request, public_id):
    bid, side = bid_for_bidder(request.user, public_id, what="bid.detail")
    content = services.read_content(bid)
    return render(
        request,
        "bids/supplier/bid_detail.html",
        _summary_context(bid, content)
        | {
            "side": str(side),
            "is_lead": side == Side.BIDDER,
            "invitation": invitation_for(request.user, bid) if side == Side.CONSORTIUM else None,
            "versions": versions_of(bid) if side == Side.BIDDER else [],
            "open_for_changes": not deadline_passed(bid.tender.submission_deadline, timezone.now()),
            "problems": services.completeness_problems(bid, content)
            if bid.status == Bid.Status.DRAFT
            else [],
        },
    )


def _summary_context(bid, content):
    tender = bid.tender
    labels = dict(services.lot_choices(tender))
    requirements = {r.pk: r for r in tender.requirements.all()}
    criteria = {c.pk: c for c in tender.criteria.all()}
    return {
        "bid": bid,
        "tender": tender,
        "lots": [(labels.get(key, key), price) for key, price in sorted(content.prices.items())],
        "qualification": [
            (requirements[pk].text, answer)
            for pk, answer in content.qualification.items()
            if pk in requirements
        ],
        "criteria": [
            (criteria[pk].name, answer) for pk, answer in content.criteria.items() if pk in criteria
        ],
        "content": content,
        "documents": documents_of(bid),
        "members": list(bid.consortium_members.select_related("organisation")),
    }


# --- Edit -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def bid_edit(request, public_id):
    bid = _lead_bid(request, public_id, "bid.edit")
    if bid.status != Bid.Status.DRAFT:
        messages.error(
            request, _("Only a draft can be changed; make a new version of a submitted bid.")
        )
        return _detail(bid)
    tender = bid.tender
    if deadline_passed(tender.submission_deadline, timezone.now()):
        messages.error(request, _("The deadline has passed; the bid can no longer be changed."))
        return _detail(bid)
    content = services.read_content(bid)
    form = BidForm(request.POST or None, tender=tender, content=content)
    formset = (
        SubcontractorFormSet(
            request.POST or None, prefix="sub", initial=subcontractor_initial(content)
        )
        if tender.subcontracting_allowed
        else None
    )
    if request.method == "POST":
        valid = form.is_valid() & (formset is None or formset.is_valid())
        if valid:
            subcontractors = subcontractors_from(formset) if formset is not None else []
            try:
                services.bid_update(bid=bid, by=request.user, content=form.content(subcontractors))
            except DomainError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The draft is saved."))
                return _detail(bid)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "bids/supplier/bid_form.html",
        {"bid": bid, "tender": tender, "form": form, "formset": formset},
        status=status,
    )


# --- Documents ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def documents(request, public_id):
    bid, side = bid_for_bidder(request.user, public_id, what="bid.documents")
    form = BidDocumentForm()
    status = 200
    if request.method == "POST":
        if side != Side.BIDDER:
            raise Http404
        form = BidDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document_services.document_upload(
                    bid=bid,
                    by=request.user,
                    uploaded=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                )
            except DomainError as error:
                add_service_error(form, error)
                status = upload_status_for(error)
            else:
                messages.success(request, _("The document is uploaded and encrypted."))
                return redirect("bids:supplier_documents", public_id=bid.public_id)
        else:
            status = 400
    return render(
        request,
        "bids/supplier/documents.html",
        {
            "bid": bid,
            "tender": bid.tender,
            "documents": documents_of(bid),
            "form": form,
            "is_lead": side == Side.BIDDER,
        },
        status=status,
    )


@login_required
@require_GET
def document_download(request, public_id, document_id):
    bid, _side = bid_for_bidder(request.user, public_id, what="bid.document")
    document = document_for_bidder(bid, document_id)
    if not document.is_available:  # waiting for, or stopped by, the virus scan
        messages.error(request, document.get_scan_status_display())
        return redirect("bids:supplier_documents", public_id=bid.public_id)
    key = sealing.data_key(bid)  # unwrapped once for the name and the file
    return attachment_response(
        document_services.document_plaintext_stream(document, key=key),
        filename=document_services.download_name(document, key=key),
        content_type=document.content_type,
    )


@login_required
@require_POST
def document_remove(request, public_id, document_id):
    bid = _lead_bid(request, public_id, "bid.document_remove")
    document = document_for_bidder(bid, document_id)
    try:
        document_services.document_remove(document=document, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The document is removed."))
    return redirect("bids:supplier_documents", public_id=bid.public_id)


# --- Joint bid ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def consortium(request, public_id):
    bid, side = bid_for_bidder(request.user, public_id, what="bid.consortium")
    form = ConsortiumInviteForm()
    status = 200
    if request.method == "POST":
        if side != Side.BIDDER:
            raise Http404
        form = ConsortiumInviteForm(request.POST)
        if form.is_valid():
            try:
                consortium_services.consortium_invite(
                    bid=bid, by=request.user, org_number=form.cleaned_data["org_number"]
                )
            except DomainError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The organisation is invited."))
                return redirect("bids:supplier_consortium", public_id=bid.public_id)
        status = 400
    return render(
        request,
        "bids/supplier/consortium.html",
        {
            "bid": bid,
            "tender": bid.tender,
            "members": list(bid.consortium_members.select_related("organisation")),
            "form": form if bid.tender.joint_bids_allowed else None,
            "is_lead": side == Side.BIDDER,
            "invitation": invitation_for(request.user, bid) if side == Side.CONSORTIUM else None,
        },
        status=status,
    )


@login_required
@require_POST
def consortium_remove(request, public_id, member_id: int):
    bid = _lead_bid(request, public_id, "bid.consortium_remove")
    member = get_object_or_404(ConsortiumMember, bid=bid, pk=member_id)
    try:
        consortium_services.consortium_remove(member=member, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation is taken back."))
    return redirect("bids:supplier_consortium", public_id=bid.public_id)


@login_required
@require_POST
def consortium_respond(request, public_id):
    bid, side = bid_for_bidder(request.user, public_id, what="bid.consortium_respond")
    member = invitation_for(request.user, bid) if side == Side.CONSORTIUM else None
    if member is None:
        raise Http404
    accept = request.POST.get("answer") == "confirm"
    try:
        consortium_services.consortium_respond(member=member, by=request.user, accept=accept)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You have confirmed taking part in the joint bid.")
            if accept
            else _("You have declined the invitation."),
        )
    if accept:
        return _detail(bid)
    return redirect("bids:supplier_bids")


# --- Submit, withdraw, new version ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, public_id):
    bid = _lead_bid(request, public_id, "bid.submit")
    if bid.status != Bid.Status.DRAFT:
        return _detail(bid)
    content = services.read_content(bid)
    errors: list[str] = []
    status = 400
    if request.method == "POST":
        try:
            bid = services.bid_submit(bid=bid, by=request.user, received_at=received_at(request))
        except services.BidIncomplete as error:
            errors = [message for _field, message in error.problems]
        except services.DeadlinePassed as error:
            errors, status = [error.message], 409  # too late: the state forbids it, not the form
        except DomainError as error:
            errors = [error.message]
        else:
            messages.success(
                request,
                _("Your bid is submitted. Receipt number: %(code)s") % {"code": bid.receipt_code},
            )
            return redirect("bids:supplier_receipt", public_id=bid.public_id)
    problems = errors or [m for _f, m in services.completeness_problems(bid, content)]
    return render(
        request,
        "bids/supplier/submit.html",
        _summary_context(bid, content) | {"problems": problems, "refused": bool(errors)},
        status=status if errors else 200,
    )


@login_required
@require_POST
def withdraw(request, public_id):
    bid = _lead_bid(request, public_id, "bid.withdraw")
    try:
        services.bid_withdraw(bid=bid, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your bid is withdrawn."))
    return _detail(bid)


@login_required
@require_POST
def new_version(request, public_id):
    bid = _lead_bid(request, public_id, "bid.new_version")
    try:
        new = services.bid_new_version(bid=bid, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return _detail(bid)
    messages.success(
        request,
        _("Version %(version)s is a new draft. The submitted bid stands until you submit this one.")
        % {"version": new.version},
    )
    return redirect("bids:supplier_bid_edit", public_id=new.public_id)


# --- Receipt --------------------------------------------------------------------------------------


def _submitted_bid(request, public_id, what):
    bid, _side = bid_for_bidder(request.user, public_id, what=what)
    if bid.submitted_at is None:
        raise Http404
    return bid


@login_required
@require_GET
def receipt(request, public_id):
    bid = _submitted_bid(request, public_id, "bid.receipt")
    return render(request, "bids/supplier/receipt.html", {"bid": bid, "receipt": receipt_for(bid)})


@login_required
@require_GET
def receipt_download(request, public_id):
    bid = _submitted_bid(request, public_id, "bid.receipt_text")
    return attachment_response(
        receipt_text(bid),
        filename=f"kvittering-{bid.receipt_code}.txt",
        content_type="text/plain; charset=utf-8",
    )
