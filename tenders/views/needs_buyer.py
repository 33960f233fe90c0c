"""The buyer's pages for needs: list, create, edit, the dialogue so far, transitions,
invitations, and the dialogue export (CSV and printable HTML).

A need is reached only through ``needs_managed_by(user)``: another organisation's need, or one
of a unit the person has no role in, answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.errors import DomainError
from marketplace.forms.errors import add_service_error
from marketplace.policy import Action
from tenders.dialogue_export import dialogue_csv, dialogue_events, dialogue_export_record
from tenders.forms.dialogue import InvitationForm
from tenders.forms.needs import NeedForm
from tenders.models import Need
from tenders.selectors.dialogue import units_managed_by
from tenders.selectors.needs import (
    invitations_of,
    need_for_buyer,
    needs_managed_by,
    responses_for_buyer,
)
from tenders.services import needs as need_services
from tenders.services import responses as response_services

NEEDS_PER_PAGE = 25


def _units_or_403(request):
    units = units_managed_by(request.user, Action.NEED_MANAGE)
    if not units.exists():
        raise PermissionDenied
    return units


def _need_or_404(request, slug: str) -> Need:
    need = need_for_buyer(request.user, slug)
    if need is None:
        raise Http404
    return need


@login_required
def buyer_need_list(request):
    _units_or_403(request)
    paginator = Paginator(needs_managed_by(request.user), NEEDS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "tenders/needs/buyer_list.html",
        {"page_obj": page, "needs": page.object_list, "query": ""},
    )


@login_required
@require_http_methods(["GET", "POST"])
def buyer_need_create(request):
    units = _units_or_403(request)
    first = units.first()
    form = NeedForm(request.POST or None, units=units, buyer=first.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            need = need_services.need_create(
                unit=form.cleaned_data["unit"], by=request.user, **form.service_fields()
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The need is saved as a draft."))
            return redirect("tenders:buyer_need_detail", slug=need.slug)
    return render(
        request,
        "tenders/needs/form.html",
        {"form": form, "need": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def buyer_need_edit(request, slug: str):
    need = _need_or_404(request, slug)
    units = units_managed_by(request.user, Action.NEED_MANAGE).filter(organisation=need.buyer)
    form = NeedForm(request.POST or None, instance=need, units=units)
    if need.status not in need_services.EDITABLE_STATUSES:
        messages.error(request, _("A closed need can no longer be changed."))
        return redirect("tenders:buyer_need_detail", slug=need.slug)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        unit = form.cleaned_data.get("unit")
        # The form changed the instance in memory; the service starts from the stored row.
        need.refresh_from_db()
        try:
            need = need_services.need_update(need=need, by=request.user, unit=unit, **fields)
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The need is saved."))
            return redirect("tenders:buyer_need_detail", slug=need.slug)
    return render(
        request,
        "tenders/needs/form.html",
        {"form": form, "need": need},
        status=400 if request.method == "POST" else 200,
    )


def _detail_context(need: Need, invite_form=None) -> dict:
    return {
        "need": need,
        "responses": list(responses_for_buyer(need)),
        "invitations": list(invitations_of(need)),
        "invite_form": invite_form or InvitationForm(),
        "can_publish": need_services.can_transition(need, Need.Status.OPEN),
        "can_close": need_services.can_transition(need, Need.Status.CLOSED),
        "can_mark_tendered": need_services.can_transition(need, Need.Status.TENDERED),
        "can_edit": need.status in need_services.EDITABLE_STATUSES,
    }


@login_required
def buyer_need_detail(request, slug: str):
    need = _need_or_404(request, slug)
    return render(request, "tenders/needs/buyer_detail.html", _detail_context(need))


@login_required
@require_POST
def need_transition(request, slug: str, action: str):
    need = _need_or_404(request, slug)
    services = {
        "publiser": (need_services.need_publish, _("The need is open for dialogue.")),
        "lukk": (need_services.need_close, _("The dialogue is closed.")),
        "konkurranse": (need_services.need_mark_tendered, _("The need is marked as a tender.")),
    }
    if action not in services:
        raise Http404
    service, done = services[action]
    try:
        service(need=need, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("tenders:buyer_need_detail", slug=need.slug)


@login_required
@require_POST
def need_invite(request, slug: str):
    need = _need_or_404(request, slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            response_services.need_invite(
                need=need,
                supplier=form.supplier,
                message=form.cleaned_data["message"],
                by=request.user,
            )
        except DomainError as error:
            add_service_error(form, error, fields={"supplier": "org_number"})
        else:
            messages.success(
                request, _("%(supplier)s is invited.") % {"supplier": form.supplier.name}
            )
            return redirect("tenders:buyer_need_detail", slug=need.slug)
    return render(
        request, "tenders/needs/buyer_detail.html", _detail_context(need, form), status=400
    )


@login_required
def need_export_csv(request, slug: str):
    need = _need_or_404(request, slug)
    dialogue_export_record(need=need, by=request.user, fmt="csv")
    response = HttpResponse(dialogue_csv(need), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dialog-{need.slug}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def need_export_html(request, slug: str):
    need = _need_or_404(request, slug)
    dialogue_export_record(need=need, by=request.user, fmt="html")
    return render(
        request,
        "tenders/needs/dialogue_export.html",
        {
            "need": need,
            "events": dialogue_events(need),
            "responses": list(responses_for_buyer(need)),
            "invitations": list(invitations_of(need)),
        },
    )
