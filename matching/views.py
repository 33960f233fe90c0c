"""Matching pages. Buyers: the suppliers that match their own tender, lot or need (others get
404), with "invite". Suppliers: opportunities from their profile, saved searches, alerts with
the explanation, and looking for partners on a lot."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.errors import DomainError
from marketplace.models import Organisation, SupplierProfile
from matching.forms import InviteForm, PartnerForm, SavedSearchForm
from matching.models import Alert, PartnerInterest, SavedSearch
from matching.selectors.matches import explain, opportunities_for, suppliers_for
from matching.selectors.partners import consortia_for, partner_interests
from matching.selectors.tenders import invited_suppliers, tender_to_match
from matching.services import searches as services
from tenders.models import Lot, Need, Tender
from tenders.selectors.buyer import tender_for_buyer
from tenders.selectors.dialogue import supplier_organisations_of
from tenders.selectors.needs import need_for_buyer
from tenders.services.responses import need_invite

ALERTS_PER_PAGE = 20


def _supplier_or_403(request) -> Organisation:
    organisation = supplier_organisations_of(request.user).first()
    if organisation is None:
        raise PermissionDenied
    return organisation


def _profile_of(organisation) -> SupplierProfile | None:
    return SupplierProfile.objects.filter(organisation=organisation).first()


# --- Buyer side -----------------------------------------------------------------------------------


@login_required
@require_GET
def tender_suppliers(request, reference: str, lot: int | None = None):
    tender = tender_to_match(request.user, reference)
    target = tender
    if lot is not None:
        target = next((each for each in tender.lots.all() if each.pk == lot), None)
        if target is None:
            raise Http404
        target.tender = tender
    return render(
        request,
        "matching/buyer_suppliers.html",
        {
            "tender": tender,
            "lot": target if lot is not None else None,
            "matches": suppliers_for(target),
            "invited": invited_suppliers(tender),
            "can_invite": tender.status == Tender.Status.PUBLISHED,
            "consortia": consortia_for(target) if lot is not None else [],
            "looking": partner_interests(target) if lot is not None else [],
        },
    )


@login_required
@require_POST
def tender_invite(request, reference: str):
    tender = tender_for_buyer(request.user, reference)
    form = InviteForm(request.POST)
    if not form.is_valid():
        raise Http404
    supplier = get_object_or_404(Organisation.objects.suppliers(), pk=form.cleaned_data["supplier"])
    profile = _profile_of(supplier)
    explanation = explain(profile, tender).explanation() if profile else ""
    try:
        services.tender_invite_matched(
            tender=tender, supplier=supplier, by=request.user, explanation=explanation
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(supplier)s is invited.") % {"supplier": supplier.name})
    return redirect("matching:tender_suppliers", reference=tender.reference)


def _need_or_404(request, slug: str) -> Need:
    need = need_for_buyer(request.user, slug)
    if need is None:
        raise Http404
    return need


@login_required
@require_GET
def need_suppliers(request, slug: str):
    need = _need_or_404(request, slug)
    return render(
        request,
        "matching/buyer_need_suppliers.html",
        {
            "need": need,
            "matches": suppliers_for(need),
            "invited": set(need.invitations.values_list("supplier_id", flat=True)),
            "can_invite": need.status == Need.Status.OPEN,
        },
    )


@login_required
@require_POST
def need_invite_matched(request, slug: str):
    need = _need_or_404(request, slug)
    form = InviteForm(request.POST)
    if not form.is_valid():
        raise Http404
    supplier = get_object_or_404(Organisation.objects.suppliers(), pk=form.cleaned_data["supplier"])
    try:
        need_invite(need=need, supplier=supplier, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(supplier)s is invited.") % {"supplier": supplier.name})
    return redirect("matching:need_suppliers", slug=need.slug)


# --- Supplier side --------------------------------------------------------------------------------


@login_required
@require_GET
def opportunities(request):
    organisation = _supplier_or_403(request)
    profile = _profile_of(organisation)
    return render(
        request,
        "matching/opportunities.html",
        {
            "organisation": organisation,
            "profile": profile,
            "matches": opportunities_for(profile) if profile else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_searches(request):
    organisation = _supplier_or_403(request)
    form = SavedSearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.saved_search_create(
                organisation=organisation,
                by=request.user,
                cpv_codes=data.pop("cpv_codes"),
                municipalities=data.pop("municipalities"),
                counties=data.pop("counties"),
                **data,
            )
        except DomainError as error:
            form.add_error(getattr(error, "field", None), error.message)
        else:
            messages.success(
                request, _("The search is saved. We alert you when something matches.")
            )
            return redirect("matching:saved_searches")
    searches = (
        SavedSearch.objects.filter(organisation=organisation)
        .prefetch_related("cpv_codes", "municipalities", "counties")
        .order_by("name", "pk")
    )
    return render(
        request,
        "matching/saved_searches.html",
        {"form": form, "searches": searches, "organisation": organisation},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def saved_search_delete(request, pk: int):
    organisations = supplier_organisations_of(request.user)
    search = get_object_or_404(SavedSearch.objects.filter(organisation__in=organisations), pk=pk)
    try:
        services.saved_search_delete(search=search, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The search is deleted."))
    return redirect("matching:saved_searches")


def _alert_object(alert: Alert):
    if alert.kind == "tender":
        return Tender.objects.filter(pk=alert.object_id).first()
    return Need.objects.filter(pk=alert.object_id).first()


@login_required
@require_GET
def alerts(request):
    organisation = _supplier_or_403(request)
    profile = _profile_of(organisation)
    page = Paginator(
        Alert.objects.filter(saved_search__organisation=organisation).select_related(
            "saved_search"
        ),
        ALERTS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    rows = []
    for alert in page.object_list:
        obj = _alert_object(alert)
        rows.append(
            {
                "alert": alert,
                "score": explain(profile, obj) if (profile and obj is not None) else None,
            }
        )
    return render(request, "matching/alerts.html", {"page_obj": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def lot_partners(request, pk: int):
    organisation = _supplier_or_403(request)
    lot = get_object_or_404(
        Lot.objects.select_related("tender").filter(tender__status=Tender.Status.PUBLISHED), pk=pk
    )
    mine = PartnerInterest.objects.filter(lot=lot, supplier=organisation).first()
    form = PartnerForm(
        request.POST or None,
        initial={"looking": mine is not None, "note": mine.note if mine else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_interest_set(
                lot=lot,
                supplier=organisation,
                by=request.user,
                looking=form.cleaned_data["looking"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("matching:lot_partners", pk=lot.pk)
    return render(
        request,
        "matching/lot_partners.html",
        {
            "lot": lot,
            "form": form,
            "looking": partner_interests(lot),
            "consortia": consortia_for(lot),
        },
    )
