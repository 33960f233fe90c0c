"""The public tender pages: the opportunity listing and a tender's own page.

Everyone (signed in or not) reads published, closed, awarded and cancelled tenders here; a
draft answers 404 to anyone who may not manage it. Tenders imported from Doffin are read-only
and link to the notice there.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from marketplace.policy import Action, organisation_ids_where, user_can
from tenders.filters.public import OpportunityFilter, StatusChoice
from tenders.lifecycle import is_open_for_bids
from tenders.selectors.public import public_tenders, tender_for_page, tender_timeline

TENDERS_PER_PAGE = 20

# Parts of the tender page that the needs-and-dialogue work provides (questions and answers,
# the follow button). The page shows each one when its template is there.
QUESTIONS_PARTIAL = "tenders/dialogue/_questions.html"
FOLLOW_PARTIAL = "tenders/dialogue/_follow.html"


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _has_filters(request) -> bool:
    """Whether anything narrows the list beyond the defaults (open for bids, any order)."""
    return any(
        value and not (key == "status" and value == StatusChoice.OPEN)
        for key, values in request.GET.lists()
        if key not in {"page", "sort"}
        for value in values
    )


def opportunity_list(request):
    now = timezone.now()
    # Always bound: no parameters is a valid filter (what is open for bids, soonest deadline).
    filterset = OpportunityFilter(request.GET, queryset=public_tenders(), request=request, now=now)
    paginator = Paginator(filterset.qs, TENDERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "tenders/public/opportunity_list.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page_obj": page,
            "tenders": page.object_list,
            "total": paginator.count,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "has_filters": _has_filters(request),
            "now": now,
        },
    )


def tender_detail(request, reference: str):
    tender = tender_for_page(reference=reference, user=request.user)
    can_manage = user_can(request.user, Action.TENDER_MANAGE, tender)
    show_dialogue = not tender.is_external and tender.status != tender.Status.DRAFT
    now = timezone.now()
    open_for_bids = not tender.is_external and is_open_for_bids(tender, now)
    return render(
        request,
        "tenders/public/tender_detail.html",
        {
            "tender": tender,
            "now": now,
            "timeline": tender_timeline(tender),
            "can_manage": can_manage,
            # The start page sends someone whose organisation already has a bid to that bid.
            "can_bid": open_for_bids
            and bool(organisation_ids_where(request.user, Action.BID_PREPARE)),
            "show_questions": show_dialogue and _template_exists(QUESTIONS_PARTIAL),
            "show_follow": show_dialogue and _template_exists(FOLLOW_PARTIAL),
        },
    )
