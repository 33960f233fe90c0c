"""Public need pages: the list of needs in market dialogue, a need's page, and responding.

A supplier's response (and its sketch) is shown to that supplier only; the buyer reads all
responses on its own pages. Drafts answer 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.errors import DomainError
from marketplace.forms.errors import add_service_error
from marketplace.policy import Action, user_can
from tenders.forms.dialogue import NeedResponseForm
from tenders.models import Need, Theme
from tenders.selectors.dialogue import supplier_organisations_of
from tenders.selectors.needs import own_invitations, own_responses, public_need, public_needs
from tenders.services import responses as response_services

NEEDS_PER_PAGE = 20


def need_list(request):
    status = request.GET.get("status", "")
    theme = request.GET.get("theme", "")
    pilot = request.GET.get("pilot") == "1"
    paginator = Paginator(public_needs(status=status, theme=theme, pilot=pilot), NEEDS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tenders/needs/list.html",
        {
            "page_obj": page,
            "needs": page.object_list,
            "themes": Theme.objects.all(),
            "statuses": [
                (value, label) for value, label in Need.Status.choices if value != Need.Status.DRAFT
            ],
            "selected": {"status": status, "theme": theme, "pilot": pilot},
            "query": query.urlencode(),
        },
    )


def _need_or_404(slug: str) -> Need:
    need = public_need(slug)
    if need is None:
        raise Http404
    return need


def _detail_context(request, need: Need, form=None) -> dict:
    user = request.user
    organisations = list(supplier_organisations_of(user))
    responses = list(own_responses(need, user)) if organisations else []
    if form is None and organisations:
        initial = {}
        if len(responses) == 1:
            initial = {"kind": responses[0].kind, "sketch": responses[0].sketch}
        form = NeedResponseForm(organisations=organisations, initial=initial)
    return {
        "need": need,
        "open_for_responses": response_services.need_open_for_responses(need),
        "response_form": form,
        "own_responses": responses,
        "own_invitations": list(own_invitations(need, user)) if organisations else [],
        "can_manage": user_can(user, Action.NEED_MANAGE, need),
    }


def need_detail(request, slug: str):
    need = _need_or_404(slug)
    return render(request, "tenders/needs/detail.html", _detail_context(request, need))


@require_http_methods(["POST"])
def need_respond(request, slug: str):
    need = _need_or_404(slug)
    page = reverse("tenders:need_detail", kwargs={"slug": need.slug})
    if not request.user.is_authenticated:
        return redirect_to_login(page)
    organisations = supplier_organisations_of(request.user)
    if not organisations:
        messages.error(request, _("Only suppliers can respond to needs."))
        return redirect(page)
    form = NeedResponseForm(request.POST, organisations=organisations)
    if form.is_valid():
        try:
            response_services.need_respond(
                need=need,
                organisation=form.chosen_organisation(),
                kind=form.cleaned_data["kind"],
                sketch=form.cleaned_data["sketch"],
                by=request.user,
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Thank you. The buyer has your response."))
            return redirect(page + "#respond")
    return render(
        request, "tenders/needs/detail.html", _detail_context(request, need, form), status=400
    )
