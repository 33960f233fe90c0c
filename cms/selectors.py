"""Reads for the CMS pages: the home page's live blocks and the listings' feeds."""

from __future__ import annotations

import time
import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from wagtail.models import Locale, Page, PageViewRestriction

from cms.indicators import headline_counts, headline_indicators, oslo_year
from cms.models.news import NewsPage
from cms.models.stories import SuccessStoryPage
from marketplace.page_cache import GENERATION_KEY
from tenders.models import Need, Tender
from tenders.selectors.needs import public_needs
from tenders.selectors.public import public_tenders

HOME_LIST_SIZE = 3


def _home_tenders(*, limit: int = HOME_LIST_SIZE) -> tuple[list[Tender], list[Tender]]:
    """The tenders open for bids with the nearest deadlines, and the newest published pilot
    tenders, ``limit`` of each, in one query (the same lists and order as
    ``closing_soon_opportunities`` and ``newest_pilot_opportunities``).

    Each list takes its ``limit`` rows by its own order first (an index scan that stops at
    ``limit``) and only those rows are read in full: a union of two parts, each ranking its own
    few rows. A window over every open or pilot tender, as before, read and sorted all of them
    with their joins on every render: 1.3-1.5 s at 20,000 tenders, which is what a visitor meets
    whenever the cached home page has expired (issue 14)."""
    published = Tender.objects.public().filter(status=Tender.Status.PUBLISHED)
    closing_order = [F("submission_deadline").asc(), F("pk").asc()]
    pilot_order = [F("published_at").desc(), F("pk").desc()]

    def part(number: int, rows: QuerySet, order: list) -> QuerySet[Tender]:
        return (
            public_tenders()
            .filter(pk__in=rows.order_by(*order).values("pk")[:limit])
            .annotate(home_list=Value(number), home_rank=Window(RowNumber(), order_by=order))
            .order_by()
        )

    closing = part(0, published.filter(submission_deadline__gt=timezone.now()), closing_order)
    pilots = part(1, published.filter(is_pilot=True), pilot_order)
    lists: tuple[list[Tender], list[Tender]] = ([], [])
    for tender in sorted(closing.union(pilots, all=True), key=lambda t: t.home_rank):
        lists[tender.home_list].append(tender)
    return lists


def home_opportunities(*, limit: int = HOME_LIST_SIZE) -> tuple[list[Tender], list]:
    """``closing_soon_opportunities`` and ``newest_pilot_opportunities`` for the home page, in
    two queries (one for both tender lists, one for the needs)."""
    closing, pilot_tenders = _home_tenders(limit=limit)
    return closing, _newest_first(_pilot_needs(limit=limit), pilot_tenders, limit=limit)


def closing_soon_opportunities(*, limit: int = HOME_LIST_SIZE) -> list[Tender]:
    """Tenders open for bids, the nearest deadline first."""
    return list(
        public_tenders()
        .filter(status=Tender.Status.PUBLISHED, submission_deadline__gt=timezone.now())
        .order_by("submission_deadline", "pk")[:limit]
    )


def _pilot_needs(*, limit: int) -> list[Need]:
    return list(
        public_needs(pilot=True)
        .prefetch_related(None)  # the home page shows no themes
        .filter(status=Need.Status.OPEN)
        .order_by("-published_at", "-pk")[:limit]
    )


def _newest_first(needs: list, tenders: list, *, limit: int) -> list[Need | Tender]:
    both = sorted(
        needs + tenders,
        key=lambda item: item.published_at or item.created_at,
        reverse=True,
    )
    return both[:limit]


def newest_pilot_opportunities(*, limit: int = HOME_LIST_SIZE) -> list[Need | Tender]:
    """The newest open pilot needs and pilot tenders, newest first."""
    tenders = list(
        public_tenders()
        .filter(is_pilot=True, status=Tender.Status.PUBLISHED)
        .order_by("-published_at", "-pk")[:limit]
    )
    return _newest_first(_pilot_needs(limit=limit), tenders, limit=limit)


# Where a request keeps the view restrictions it has read (view_restrictions).
_RESTRICTIONS = "_pm_view_restrictions"


def view_restrictions(request=None) -> list[PageViewRestriction]:
    """Every page view restriction with its page, read once per request (one query).

    Each carries ``has_aliases``: whether its page has aliases, which Wagtail's own check
    (``Page.get_view_restrictions``) follows and ``BasePage.get_view_restrictions`` leaves to it.
    """
    restrictions = getattr(request, _RESTRICTIONS, None)
    if restrictions is None:
        restrictions = list(
            PageViewRestriction.objects.select_related("page").annotate(
                has_aliases=Exists(Page.objects.filter(alias_of=OuterRef("page_id")))
            )
        )
        if request is not None:
            setattr(request, _RESTRICTIONS, restrictions)
    return restrictions


def private_q(request=None) -> Q:
    """What ``PageQuerySet.public()`` excludes, from the request's view restrictions (one query
    per request however many listings ask)."""
    q = Q()
    for restriction in view_restrictions(request):
        q |= Page.objects.all().descendant_of_q(restriction.page, inclusive=True)
    # do not match any page if no private section exists (as Wagtail's own private_q)
    return q if q else Q(pk__in=[])


def latest_success_stories(
    *, locale: Locale | int, limit: int = HOME_LIST_SIZE, private: Q | None = None
) -> list:
    return list(
        SuccessStoryPage.objects.live()
        .exclude(private if private is not None else private_q())
        .filter(locale=locale)
        .select_related("supplier", "tender__unit", "tender__buyer", "social_image", "pilot")
        .order_by("-first_published_at", "-pk")[:limit]
    )


def headline_figures() -> list:
    """Three headline indicators for this year, as (indicator, figure) pairs.

    Their counts are kept in the default cache beside the cached pages, under the same
    generation (``marketplace.page_cache``): every event that makes the cached pages stale
    (a tender or need published or changed, a page published) makes these stale too, and what
    no event announces lags at most ``PAGE_CACHE_MAX_AGE``. With the server-side cache off
    (``PAGE_CACHE_ENABLED``) or Redis down they are counted for every page.
    """
    year = oslo_year(timezone.now())
    counts = _kept_with_the_pages(f"cms:headline:{year}", lambda: headline_counts(year))
    return headline_indicators(year, counts=counts)


def _kept_with_the_pages(key: str, compute):
    """``compute()``, kept in the cache under the page cache's generation (read, as the page
    cache does, before computing: a change that commits meanwhile leaves it stale)."""
    if not settings.PAGE_CACHE_ENABLED:
        return compute()
    found = cache.get_many([GENERATION_KEY, key])
    generation, entry = found.get(GENERATION_KEY), found.get(key)
    if (
        generation is not None
        and entry is not None
        and entry["generation"] == generation
        and time.time() - entry["stored_at"] < settings.PAGE_CACHE_MAX_AGE
    ):
        return entry["value"]
    value = compute()
    if generation is None:
        # No generation yet (an emptied cache, or Redis down: then nothing is stored).
        generation = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            return value
    entry = {"generation": generation, "stored_at": time.time(), "value": value}
    cache.set(key, entry, timeout=settings.PAGE_CACHE_MAX_AGE)
    return value


def index_pages_and_translations(
    model_labels: list[str], page: Page, *, private: Q
) -> tuple[dict, list[Page]]:
    """The live public page of each of ``model_labels`` (or None) in ``page``'s language, and
    ``page``'s live public translations (itself included, with their locales:
    ``BasePage.language_alternates``), in one query.

    The pages are plain ``Page`` objects: enough for their title, ``{% pageurl %}`` and an
    hreflang link."""
    models = {label: apps.get_model(label) for label in model_labels}
    types = ContentType.objects.get_for_models(*models.values(), for_concrete_models=False)
    pages = (
        Page.objects.live()
        .exclude(private)
        .filter(
            Q(locale=page.locale_id, content_type__in=types.values())
            | Q(translation_key=page.translation_key)
        )
        .select_related("locale")
        .order_by("path")
    )
    first: dict[int, Page] = {}
    translations = []
    for found in pages:
        if found.translation_key == page.translation_key:
            translations.append(found)
        elif found.locale_id == page.locale_id:
            first.setdefault(found.content_type_id, found)
    indexes = {label: first.get(types[model].pk) for label, model in models.items()}
    return indexes, translations


def index_page(model_label: str, locale: Locale) -> Page | None:
    """The live page of ``model_label`` ("cms.NewsIndexPage") in ``locale``, if there is one."""
    try:
        model = apps.get_model(model_label)
    except LookupError:
        return None
    return model.objects.live().public().filter(locale=locale).first()


def indicators_page(*, locale: Locale) -> Page | None:
    return index_page("cms.IndicatorsPage", locale)


def feed_pages(*, locale: Locale, limit: int = 30) -> QuerySet[Page]:
    """Published news items and success stories in ``locale``, newest first."""
    return (
        Page.objects.live()
        .public()
        .filter(locale=locale)
        .type(NewsPage, SuccessStoryPage)
        .order_by("-first_published_at", "-pk")
        .specific()[:limit]
    )
