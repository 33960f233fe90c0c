"""The home page: an editorial hero over live blocks pulled from the marketplace's data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from cms import selectors

from .base import BasePage


class HomePage(BasePage):
    """One per content language: the Bokmål original is the site root; the English home page
    is its translation (Wagtail's locales), served under /en/."""

    hero_lead = models.TextField(_("hero lead"), blank=True)
    body = RichTextField(
        _("body"), blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]
    )

    content_panels = [*BasePage.content_panels, FieldPanel("hero_lead"), FieldPanel("body")]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("hero_lead"),
        index.SearchField("body"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.SuccessStoryIndexPage",
        "cms.NewsIndexPage",
        "cms.GuidePage",
        "cms.FAQPage",
        "cms.AccessibilityStatementPage",
        "cms.EventIndexPage",
        "cms.IndicatorsPage",
    ]

    class Meta:
        verbose_name = _("home page")

    @classmethod
    def can_create_at(cls, parent) -> bool:
        # One home page per content language; the others are made as translations.
        return super().can_create_at(parent) and (
            cls.objects.count() < len(settings.WAGTAIL_CONTENT_LANGUAGES)
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["closing_soon"], context["pilot_opportunities"] = selectors.home_opportunities()
        # The view restrictions the request read when it served the page (cms.wagtail_hooks),
        # and one query for both index pages and the page's translations (hreflang alternates).
        private = selectors.private_q(request)
        context["latest_stories"] = selectors.latest_success_stories(
            locale=self.locale_id, private=private
        )
        context["headline_indicators"] = selectors.headline_figures()
        indexes, self.translations_read = selectors.index_pages_and_translations(
            ["cms.IndicatorsPage", "cms.SuccessStoryIndexPage"], self, private=private
        )
        context["indicators_page"] = indexes["cms.IndicatorsPage"]
        context["stories_index"] = indexes["cms.SuccessStoryIndexPage"]
        return context
