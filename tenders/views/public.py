"""The public tender pages: the opportunity listing and a tender's own page.

Everyone (signed in or not) reads published, closed, awarded and cancelled tenders here; a
draft answers 404 to anyone who may not manage it. Tenders imported from Doffin are read-only
and link to the notice there.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from marketplace.context_processors import Navigation
from marketplace.page_cache import keep, kept_entry
from marketplace.policy import Action, organisation_ids_where, user_can
from tenders.filters.public import OpportunityFilter, StatusChoice
from tenders.lifecycle import is_open_for_bids
from tenders.selectors.public import (
    prime_tender_page,
    public_tenders,
    tender_row_for_page,
    tender_timeline,
)

TENDERS_PER_PAGE = 20

# Parts of the tender page that the needs-and-dialogue work provides (questions and answers,
# the follow button). The page shows each one when its template is there.
QUESTIONS_PARTIAL = "tenders/dialogue/_questions.html"
FOLLOW_PARTIAL = "tenders/dialogue/_follow.html"
# The parts of the tender page that are the same for every reader, and their cache keys.
BODY_TEMPLATE = "tenders/public/_tender_body.html"
HISTORY_TEMPLATE = "tenders/public/_tender_history.html"
BODY_KEY_PREFIX = "tenderpage:body:"


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


def _body_key(tender, partner_links: bool) -> str:
    return f"{BODY_KEY_PREFIX}{tender.pk}:{tender.version}:{get_language()}:{int(partner_links)}"


def _body_lifetime(tender, now) -> float:
    """How long the body may be kept: the page cache's age, and never past the submission
    deadline (the status it shows changes then; a published page is bounded by its age only)."""
    lifetime = float(settings.PAGE_CACHE_MAX_AGE)
    deadline = tender.submission_deadline
    if deadline is not None and deadline > now:
        lifetime = min(lifetime, (deadline - now).total_seconds())
    return lifetime


def _tender_body(tender, *, now, partner_links: bool) -> dict:
    """The parts of the page that are the same for every reader (``_tender_body.html`` and
    ``_tender_history.html``), from the cache when it has them of the current page-cache
    generation (marketplace/page_cache.py: replaced on publish, amend, award, cancel, closing;
    the key holds the tender's version too), else rendered and kept (issue 14: the signed-in
    page rendered them on every request). The tender is primed with its relations only then.

    Drafts are never kept (their buyer edits them without an event), nor anything while the page
    cache is off (tests change rows directly and look again)."""
    use_cache = settings.PAGE_CACHE_ENABLED and tender.status != tender.Status.DRAFT
    key = _body_key(tender, partner_links) if use_cache else None
    if key is not None:
        generation, entry = kept_entry(key)
        if entry is not None:
            tender.has_smb_lots = entry["has_smb_lots"]
            return {"main": mark_safe(entry["main"]), "history": mark_safe(entry["history"])}  # noqa: S308 - our own render
    prime_tender_page(tender)
    context = {"tender": tender, "now": now, "partner_links": partner_links}
    main = get_template(BODY_TEMPLATE).render(context)
    history = get_template(HISTORY_TEMPLATE).render(
        {"tender": tender, "timeline": tender_timeline(tender)}
    )
    if key is not None:
        lifetime = _body_lifetime(tender, now)
        if lifetime >= 1:
            keep(
                key,
                generation,
                lifetime,
                has_smb_lots=tender.has_smb_lots,
                main=str(main),
                history=str(history),
            )
    return {"main": main, "history": history}


def tender_detail(request, reference: str):
    tender = tender_row_for_page(reference=reference, user=request.user)
    can_manage = user_can(request.user, Action.TENDER_MANAGE, tender)
    show_dialogue = not tender.is_external and tender.status != tender.Status.DRAFT
    now = timezone.now()
    open_for_bids = not tender.is_external and is_open_for_bids(tender, now)
    partner_links = (
        tender.status == tender.Status.PUBLISHED and Navigation(request.user).is_supplier
    )
    return render(
        request,
        "tenders/public/tender_detail.html",
        {
            "tender": tender,
            "now": now,
            "body": _tender_body(tender, now=now, partner_links=partner_links),
            "can_manage": can_manage,
            # The start page sends someone whose organisation already has a bid to that bid.
            "can_bid": open_for_bids
            and bool(organisation_ids_where(request.user, Action.BID_PREPARE)),
            "show_questions": show_dialogue and _template_exists(QUESTIONS_PARTIAL),
            "show_follow": show_dialogue and _template_exists(FOLLOW_PARTIAL),
        },
    )
