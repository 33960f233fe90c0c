"""Reads for the CMS pages: the home page's live blocks and the listings' feeds."""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import Locale, Page

from tenders.models import Need, Tender
from tenders.selectors.needs import public_needs
from tenders.selectors.public import public_tenders

HOME_LIST_SIZE = 3


def closing_soon_opportunities(*, limit: int = HOME_LIST_SIZE) -> list[Tender]:
    """Tenders open for bids, the nearest deadline first."""
    return list(
        public_tenders()
        .filter(status=Tender.Status.PUBLISHED, submission_deadline__gt=timezone.now())
        .order_by("submission_deadline", "pk")[:limit]
    )


def newest_pilot_opportunities(*, limit: int = HOME_LIST_SIZE) -> list[Need | Tender]:
    """The newest open pilot needs and pilot tenders, newest first."""
    needs = list(
        public_needs(pilot=True)
        .prefetch_related(None)  # the home page shows no themes
        .filter(status=Need.Status.OPEN)
        .order_by("-published_at", "-pk")[:limit]
    )
    tenders = list(
        public_tenders()
        .filter(is_pilot=True, status=Tender.Status.PUBLISHED)
        .order_by("-published_at", "-pk")[:limit]
    )
    both = sorted(
        needs + tenders,
        key=lambda item: item.published_at or item.created_at,
        reverse=True,
    )
    return both[:limit]


def private_q() -> Q:
    """What ``PageQuerySet.public()`` excludes (one query for the view restrictions), so that
    several listings on one page ask for the restrictions once."""
    return Page.objects.all().private_q()


def latest_success_stories(
    *, locale: Locale | int, limit: int = HOME_LIST_SIZE, private: Q | None = None
) -> list:
    from cms.models import SuccessStoryPage

    return list(
        SuccessStoryPage.objects.live()
        .exclude(private if private is not None else private_q())
        .filter(locale=locale)
        .select_related("supplier", "tender__unit", "tender__buyer", "social_image", "pilot")
        .order_by("-first_published_at", "-pk")[:limit]
    )


def headline_figures() -> list:
    """Three headline indicators for this year, as (indicator, figure) pairs."""
    from cms.indicators import headline_indicators

    return headline_indicators()


def index_pages(model_labels: list[str], locale: Locale | int, *, private: Q | None = None):
    """The live page of each of ``model_labels`` in ``locale`` (or None), in one query.

    The pages are plain ``Page`` objects: enough for their title and ``{% pageurl %}``.
    """
    models = {label: apps.get_model(label) for label in model_labels}
    types = ContentType.objects.get_for_models(*models.values(), for_concrete_models=False)
    pages = (
        Page.objects.live()
        .exclude(private if private is not None else private_q())
        .filter(locale=locale, content_type__in=types.values())
        .order_by("path")
    )
    first: dict[int, Page] = {}
    for page in pages:
        first.setdefault(page.content_type_id, page)
    return {label: first.get(types[model].pk) for label, model in models.items()}


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
    from cms.models import NewsPage, SuccessStoryPage

    return (
        Page.objects.live()
        .public()
        .filter(locale=locale)
        .type(NewsPage, SuccessStoryPage)
        .order_by("-first_published_at", "-pk")
        .specific()[:limit]
    )
