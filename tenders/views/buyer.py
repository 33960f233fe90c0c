"""The buyer's tender pages: workspace, create and edit, the tender's own page with its
documents, and one POST action URL per lifecycle transition. Document downloads live here too.

Tenders are reached only through ``tender_for_buyer`` (404 for other organisations and units);
every write goes through a service, and a DomainError becomes a message or a form error.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.downloads import attachment_response
from marketplace.errors import DomainError
from marketplace.forms.errors import add_service_error
from marketplace.policy import Action
from marketplace.upload_limits import status_for as upload_status_for
from tenders import lifecycle
from tenders.eforms import doffin
from tenders.eforms.sending import NoticeInvalid
from tenders.eforms.validation import describe
from tenders.forms.buyer import (
    CancelForm,
    DocumentForm,
    DocumentRemoveForm,
    ExtendDeadlineForm,
    TenderForms,
)
from tenders.lifecycle import Transition
from tenders.selectors.buyer import (
    document_for_download,
    open_questions_count,
    tender_for_buyer,
    tenders_to_open,
    workspace_tenders,
)
from tenders.selectors.dialogue import units_managed_by
from tenders.selectors.needs import needs_managed_by, workspace_needs
from tenders.services import closing, tender_files
from tenders.services import tenders as services
from tenders.services.tender_rules import TenderNotReady, publication_problems


def _units_or_403(request):
    units = units_managed_by(request.user, Action.TENDER_MANAGE)
    if not units.exists():
        raise PermissionDenied
    return units


def _detail(tender):
    return redirect("tenders:buyer_tender_detail", reference=tender.reference)


# --- Workspace ----------------------------------------------------------------------------------


@login_required
@require_GET
def workspace(request):
    """My needs and tenders: drafts, upcoming deadlines, tenders waiting after their deadline."""
    user = request.user
    can_tenders = units_managed_by(user, Action.TENDER_MANAGE).exists()
    can_needs = units_managed_by(user, Action.NEED_MANAGE).exists()
    can_open = units_managed_by(user, Action.BID_OPEN).exists()
    can_evaluate = units_managed_by(user, Action.BID_EVALUATE).exists()
    if not (can_tenders or can_needs or can_open or can_evaluate):
        raise PermissionDenied
    context = {
        "can_tenders": can_tenders,
        "can_needs": can_needs,
        "can_open": can_open,
        "can_evaluate": can_evaluate,
        "to_open": tenders_to_open(user) if can_open else [],
    }
    if can_tenders:
        context.update(workspace_tenders(user))
    if can_needs:
        context["needs"] = workspace_needs(user)
    return render(request, "tenders/buyer/workspace.html", context)


# --- Create and edit ----------------------------------------------------------------------------


def _form_page(request, forms, tender=None):
    return render(
        request,
        "tenders/buyer/tender_form.html",
        {"forms": forms, "tender": tender, "amend": forms.amend is not None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def tender_create(request):
    units = _units_or_403(request)
    forms = TenderForms(request.POST or None, units=units, needs=needs_managed_by(request.user))
    if request.method == "POST" and forms.is_valid():
        unit = forms.tender.cleaned_data["unit"]
        data = forms.tender_input()
        data.fields.pop("unit")
        try:
            tender = services.tender_create(
                buyer=unit.organisation, unit=unit, by=request.user, data=data
            )
        except (DomainError, ValidationError) as error:
            add_service_error(forms, error)
        else:
            messages.success(
                request,
                _("The draft %(reference)s is saved.") % {"reference": tender.reference},
            )
            return _detail(tender)
    return _form_page(request, forms)


@login_required
@require_http_methods(["GET", "POST"])
def tender_edit(request, reference: str):
    """Edit a draft, or amend a published tender (the same form plus what changed and why)."""
    tender = tender_for_buyer(request.user, reference)
    amend = lifecycle.is_amendable(tender)
    if not (amend or lifecycle.is_editable(tender)):
        messages.error(request, _("This tender can no longer be changed."))
        return _detail(tender)
    units = units_managed_by(request.user, Action.TENDER_MANAGE).filter(organisation=tender.buyer)
    forms = TenderForms(
        request.POST or None,
        units=units,
        needs=needs_managed_by(request.user).filter(buyer=tender.buyer),
        tender=tender,
        amend=amend,
    )
    if request.method == "POST" and forms.is_valid():
        try:
            if amend:
                amendment = services.tender_amend(
                    tender=tender,
                    by=request.user,
                    data=forms.tender_input(),
                    summary=forms.amend.cleaned_data["summary"],
                )
                messages.success(
                    request,
                    _("Amendment %(number)s is published and followers are told.")
                    % {"number": amendment.number},
                )
            else:
                services.tender_update(tender=tender, by=request.user, data=forms.tender_input())
                messages.success(request, _("The draft is saved."))
        except (DomainError, ValidationError) as error:
            add_service_error(forms, error)
        else:
            return _detail(tender)
    return _form_page(request, forms, tender)


# --- The tender's own page ------------------------------------------------------------------------


@login_required
@require_GET
def tender_detail(request, reference: str):
    tender = tender_for_buyer(request.user, reference)
    # Past its deadline a tender is closed, whether or not the periodic close has run: close it
    # now (as the system would) so the page offers what a closed tender allows.
    if closing.tender_close_if_due(tender=tender):
        tender = tender_for_buyer(request.user, reference)
    return _detail_page(request, tender, DocumentForm())


def _detail_page(request, tender, document_form, status=200):
    editable, amendable = lifecycle.is_editable(tender), lifecycle.is_amendable(tender)
    return render(
        request,
        "tenders/buyer/tender_detail.html",
        {
            "tender": tender,
            "transitions": [str(t) for t in lifecycle.available(tender)],
            "editable": editable,
            "amendable": amendable,
            "problems": publication_problems(tender) if editable else [],
            "publishes_to_doffin": doffin.is_configured(),
            "document_form": document_form,
            "documents_open": editable or amendable,
            "open_questions": open_questions_count(tender),
        },
        status=status,
    )


# --- Transitions (POST only) ---------------------------------------------------------------


@login_required
@require_POST
def tender_publish(request, reference: str):
    tender = tender_for_buyer(request.user, reference)
    try:
        services.tender_publish(tender=tender, by=request.user)
    except TenderNotReady as error:
        messages.error(request, _("The tender cannot be published yet:"))
        for problem in error.problems:
            messages.error(request, problem.message)
    except NoticeInvalid as error:
        messages.error(
            request,
            _("Doffin would refuse the tender's notice, so nothing was published. Fix these:"),
        )
        for problem in error.report.problems:
            messages.error(request, describe(problem))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(reference)s is published.") % {"reference": tender.reference}
        )
    return _detail(tender)


@login_required
@require_POST
def tender_start_evaluation(request, reference: str):
    tender = tender_for_buyer(request.user, reference)
    try:
        services.tender_start_evaluation(tender=tender, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Evaluation has started."))
    return _detail(tender)


@login_required
@require_http_methods(["GET", "POST"])
def tender_extend_deadline(request, reference: str):
    tender = tender_for_buyer(request.user, reference)
    if not lifecycle.is_amendable(tender):
        raise Http404
    form = ExtendDeadlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.tender_extend_deadline(
                tender=tender,
                by=request.user,
                submission_deadline=data["submission_deadline"],
                question_deadline=data["question_deadline"],
                reason=data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The deadline is extended and followers are told."))
            return _detail(tender)
    return render(request, "tenders/buyer/extend_deadline.html", {"tender": tender, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def tender_cancel(request, reference: str):
    tender = tender_for_buyer(request.user, reference)
    if not lifecycle.can(tender, Transition.CANCEL):
        raise Http404
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.tender_cancel(
                tender=tender, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The tender is cancelled."))
            return _detail(tender)
    return render(request, "tenders/buyer/cancel.html", {"tender": tender, "form": form})


# --- Documents ------------------------------------------------------------------------------------


@login_required
@require_POST
def document_upload(request, reference: str):
    tender = tender_for_buyer(request.user, reference)
    form = DocumentForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            document = tender_files.document_upload(
                tender=tender,
                by=request.user,
                uploaded=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        except DomainError as error:
            add_service_error(form, error)
            status = upload_status_for(error)
        else:
            messages.success(request, _("%(name)s is uploaded.") % {"name": document.original_name})
            return _detail(tender)
    return _detail_page(request, tender_for_buyer(request.user, reference), form, status=status)


@login_required
@require_POST
def document_remove(request, reference: str, pk: int):
    tender = tender_for_buyer(request.user, reference)
    document = next((d for d in tender.current_documents if d.pk == pk), None)
    if document is None:
        raise Http404
    form = DocumentRemoveForm(request.POST)
    form.is_valid()
    try:
        tender_files.document_remove(
            document=document, by=request.user, summary=form.cleaned_data.get("summary", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is removed.") % {"name": document.original_name})
    return _detail(tender)


@require_GET
def document_download(request, reference: str, pk: int):
    """A document as an attachment, never shown inline, with its stored content type."""
    document = document_for_download(request.user, reference=reference, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return attachment_response(
        handle,
        filename=document.original_name,
        content_type=document.content_type,
        cache_control=(
            "private, no-store" if document.tender.status == "draft" else "private, max-age=300"
        ),
    )
