"""Wagtail pages. Success stories, guides, news, events and indicators arrive in the CMS issue."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """The front page: an editorial hero over live blocks from the marketplace."""

    hero_title_en = models.CharField(_("hero title (English)"), max_length=200, blank=True)
    hero_lead = models.TextField(_("hero lead (Bokmål)"), blank=True)
    hero_lead_en = models.TextField(_("hero lead (English)"), blank=True)
    body = RichTextField(
        _("body"), blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("hero_title_en"),
        FieldPanel("hero_lead"),
        FieldPanel("hero_lead_en"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("hero_lead"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
