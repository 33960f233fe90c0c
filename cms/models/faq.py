"""Frequently asked questions: headed groups of questions and answers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from cms.blocks import FAQBlock

from .base import BasePage


class FAQPage(BasePage):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    questions = StreamField(FAQBlock(), verbose_name=_("questions"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("intro"), FieldPanel("questions")]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("intro"),
        index.SearchField("questions"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("FAQ page")
        verbose_name_plural = _("FAQ pages")
