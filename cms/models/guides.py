"""Guides for suppliers: how to sell to the county, market dialogue, thresholds and procedures.

The body may include the thresholds table block, which reads ``tenders.Threshold``: the same
rows the tenders use to decide a tender's threshold band.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from cms.blocks import GuideBodyBlock

from .base import BasePage


class GuidePage(BasePage):
    lead = models.TextField(_("lead"), max_length=600, blank=True)
    body = StreamField(GuideBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("lead"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("lead"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.GuidePage"]
    subpage_types = ["cms.GuidePage"]

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["subguides"] = GuidePage.objects.child_of(self).live().public()
        return context
