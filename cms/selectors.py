"""Reads for the CMS pages: the home page's live blocks and the listings' feeds."""

from __future__ import annotations

from django.apps import apps
from django.db.models import QuerySet
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


def latest_success_stories(*, locale: Locale, limit: int = HOME_LIST_SIZE) -> list:
    from cms.models import SuccessStoryPage

    return list(
        SuccessStoryPage.objects.live()
        .public()
        .filter(locale=locale)
        .select_related("supplier", "tender__unit", "tender__buyer", "social_image", "pilot")
        .order_by("-first_published_at", "-pk")[:limit]
    )


def headline_figures() -> list:
    """Three headline indicators for this year, as (indicator, figure) pairs."""
    from cms.indicators import headline_indicators

    return headline_indicators()


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
