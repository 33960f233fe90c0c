"""Pilot pages: the list of my pilots (with the buyer's outcome overview), creating a pilot from
an award, and the pilot's own page with its timeline, milestones, KPIs and forms.

Pilots are reached only through ``pilot_for`` (404 for anyone not taking part); every write goes
through a service, one POST URL per action, and a DomainError becomes a form error or a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.errors import DomainError
from pilots.forms import DecisionForm, KpiForm, MeasureForm, MilestoneForm, NoteForm, PlanForm
from pilots.models import Pilot
from pilots.selectors.pilots import (
    awards_ready_for_pilot,
    managed_pilots,
    outcome_overview,
    pilot_for,
    pilots_for,
)
from pilots.services import pilots as services

PAGE_SIZE = 20


def _detail(pilot):
    return redirect("pilots:pilot_detail", public_id=pilot.public_id)


def _error(form, error: DomainError) -> None:
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, error.message)


@login_required
@require_GET
def pilot_list(request):
    user = request.user
    pilots = pilots_for(user)
    page_obj = Paginator(pilots, PAGE_SIZE).get_page(request.GET.get("page"))
    managed = managed_pilots(user)
    manages = managed.exists() or awards_ready_for_pilot(user).exists()
    context = {
        "page_obj": page_obj,
        "pilots": page_obj.object_list,
        "manages": manages,
        "overview": outcome_overview(managed) if manages else [],
        "awards": list(awards_ready_for_pilot(user)[:20]) if manages else [],
    }
    return render(request, "pilots/pilot_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pilot_create(request, award_id: int):
    award = awards_ready_for_pilot(request.user).filter(pk=award_id).first()
    if award is None:
        raise Http404
    initial = {
        "title": award.tender.title,
        "budget": award.tender.pilot_budget,
    }
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pilot = services.pilot_create(award=award, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("The pilot is created."))
            return _detail(pilot)
    return render(request, "pilots/pilot_create.html", {"form": form, "award": award})


def _detail_page(request, pilot: Pilot, status: int = 200, **forms):
    side = services.side_of(request.user, pilot)
    manage = side == "buyer"
    open_ = pilot.status != Pilot.Status.DECIDED
    measuring = pilot.status in (Pilot.Status.RUNNING, Pilot.Status.ENDED)
    kpis = list(pilot.kpis.all())
    entries = list(
        pilot.entries.select_related("author", "author_organisation").order_by("-created_at", "-pk")
    )
    labels = dict(Pilot.Outcome.choices)
    for entry in entries:
        entry.outcome_label = labels.get(entry.data.get("outcome", ""), "")
    context = {
        "pilot": pilot,
        "side": side,
        "manage": manage,
        "measuring": measuring,
        "milestones": list(pilot.milestones.all()),
        "kpis": kpis,
        "entries": entries,
        "note_form": forms.get("note_form") or NoteForm(),
        "measure_form": forms.get("measure_form"),
        "measure_kpi": forms.get("measure_kpi"),
    }
    if manage and open_:
        context.update(
            plan_form=forms.get("plan_form") or PlanForm(initial=PlanForm.initial_for(pilot)),
            milestone_form=forms.get("milestone_form") or MilestoneForm(),
            kpi_form=forms.get("kpi_form") or KpiForm(),
        )
    if manage and pilot.status == Pilot.Status.ENDED:
        context["decision_form"] = forms.get("decision_form") or DecisionForm(pilot=pilot)
    return render(request, "pilots/pilot_detail.html", context, status=status)


@login_required
@require_GET
def pilot_detail(request, public_id):
    return _detail_page(request, pilot_for(request.user, public_id))


def _post(request, public_id, form_class, form_name, action, *, form_kwargs=None, **page):
    """Validate ``form_class``, call ``action(pilot, data)``; re-show the page on errors."""
    pilot = pilot_for(request.user, public_id)
    form = form_class(request.POST, **(form_kwargs(pilot) if form_kwargs else {}))
    if form.is_valid():
        try:
            action(pilot, form.cleaned_data)
        except DomainError as error:
            _error(form, error)
        else:
            return _detail(pilot)
    return _detail_page(request, pilot, status=400, **{form_name: form}, **page)


@login_required
@require_POST
def pilot_plan(request, public_id):
    def action(pilot, data):
        services.pilot_update_plan(pilot=pilot, by=request.user, fields=data)
        messages.success(request, _("The plan is saved."))

    return _post(request, public_id, PlanForm, "plan_form", action)


@login_required
@require_POST
def milestone_add(request, public_id):
    def action(pilot, data):
        services.milestone_add(pilot=pilot, by=request.user, **data)
        messages.success(request, _("The milestone is added."))

    return _post(request, public_id, MilestoneForm, "milestone_form", action)


@login_required
@require_POST
def milestone_done(request, public_id, milestone_id: int):
    pilot = pilot_for(request.user, public_id)
    milestone = pilot.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404
    try:
        services.milestone_complete(milestone=milestone, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The milestone is marked as done."))
    return _detail(pilot)


@login_required
@require_POST
def kpi_add(request, public_id):
    def action(pilot, data):
        services.kpi_add(pilot=pilot, by=request.user, **data)
        messages.success(request, _("The KPI is added."))

    return _post(request, public_id, KpiForm, "kpi_form", action)


@login_required
@require_POST
def kpi_measure(request, public_id, kpi_id: int):
    pilot = pilot_for(request.user, public_id)
    kpi = pilot.kpis.filter(pk=kpi_id).first()
    if kpi is None:
        raise Http404
    form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.kpi_measure(kpi=kpi, by=request.user, **form.cleaned_data)
        except DomainError as error:
            _error(form, error)
        else:
            messages.success(request, _("The measurement is recorded."))
            return _detail(pilot)
    return _detail_page(request, pilot, status=400, measure_form=form, measure_kpi=kpi.pk)


@login_required
@require_POST
def note_add(request, public_id):
    def action(pilot, data):
        services.note_add(pilot=pilot, by=request.user, text=data["text"])
        messages.success(request, _("The note is added to the timeline."))

    return _post(request, public_id, NoteForm, "note_form", action)


def _transition(request, public_id, service, done: str):
    pilot = pilot_for(request.user, public_id)
    try:
        service(pilot=pilot, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _detail(pilot)


@login_required
@require_POST
def pilot_start(request, public_id):
    return _transition(request, public_id, services.pilot_start, _("The pilot has started."))


@login_required
@require_POST
def pilot_end(request, public_id):
    return _transition(request, public_id, services.pilot_end, _("The pilot has ended."))


@login_required
@require_POST
def pilot_decide(request, public_id):
    def action(pilot, data):
        services.pilot_decide(pilot=pilot, by=request.user, **data)
        messages.success(request, _("The decision is recorded."))

    return _post(
        request,
        public_id,
        DecisionForm,
        "decision_form",
        action,
        form_kwargs=lambda pilot: {"pilot": pilot},
    )
