"""Test arenas: the public catalogue and the buyer's pages to add and edit its arenas."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.errors import DomainError
from marketplace.forms.errors import add_service_error
from marketplace.policy import Action
from tenders.forms.needs import TestArenaForm
from tenders.models import TestArena
from tenders.selectors.dialogue import organisations_managed_by, units_managed_by
from tenders.selectors.needs import arenas_managed_by, published_arena, published_arenas
from tenders.services import arenas as arena_services

ARENAS_PER_PAGE = 24


def arena_list(request):
    kind = request.GET.get("kind", "")
    paginator = Paginator(published_arenas(kind=kind), ARENAS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "tenders/arenas/list.html",
        {
            "page_obj": page,
            "arenas": page.object_list,
            "kinds": TestArena.Kind.choices,
            "selected_kind": kind,
            "query": f"kind={kind}" if kind in TestArena.Kind.values else "",
        },
    )


def arena_detail(request, slug: str):
    arena = published_arena(slug)
    if arena is None:
        raise Http404
    return render(request, "tenders/arenas/detail.html", {"arena": arena})


# --- Buyer --------------------------------------------------------------------------------------


@login_required
def buyer_arena_list(request):
    units = units_managed_by(request.user, Action.NEED_MANAGE)
    if not units.exists():
        raise PermissionDenied
    return render(
        request, "tenders/arenas/buyer_list.html", {"arenas": arenas_managed_by(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def buyer_arena_create(request):
    units = units_managed_by(request.user, Action.NEED_MANAGE)
    if not units.exists():
        raise PermissionDenied
    owner = units.first().organisation
    form = TestArenaForm(request.POST or None, units=units.filter(organisation=owner))
    whole_organisation = organisations_managed_by(request.user, Action.NEED_MANAGE).filter(
        pk=owner.pk
    )
    if not whole_organisation.exists():
        form.fields["unit"].required = True
    if request.method == "POST" and form.is_valid():
        try:
            arena = arena_services.test_arena_create(
                owner=owner,
                unit=form.cleaned_data.get("unit"),
                by=request.user,
                **form.service_fields(),
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The test arena is saved."))
            return redirect("tenders:buyer_arena_edit", slug=arena.slug)
    return render(
        request,
        "tenders/arenas/form.html",
        {"form": form, "arena": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def buyer_arena_edit(request, slug: str):
    arena = get_object_or_404(arenas_managed_by(request.user), slug=slug)
    units = units_managed_by(request.user, Action.NEED_MANAGE).filter(organisation=arena.owner)
    form = TestArenaForm(request.POST or None, instance=arena, units=units)
    if request.method == "POST" and form.is_valid():
        arena.refresh_from_db()
        try:
            arena = arena_services.test_arena_update(
                arena=arena, by=request.user, **form.service_fields()
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The test arena is saved."))
            return redirect("tenders:buyer_arena_edit", slug=arena.slug)
    return render(
        request,
        "tenders/arenas/form.html",
        {"form": form, "arena": arena},
        status=400 if request.method == "POST" else 200,
    )
