"""The accessibility statement ("tilgjengelighetserklæring"), required for Norwegian public-sector
websites (the Equality and Anti-Discrimination Act and the WAD regulations). The footer links to
it by its slug, ``tilgjengelighetserklaering``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from cms.blocks import BodyBlock

from .base import BasePage


class AccessibilityStatementPage(BasePage):
    class Conformance(models.TextChoices):
        FULL = "full", _("Fully conforms to WCAG 2.1 level AA")
        PARTIAL = "partial", _("Partially conforms to WCAG 2.1 level AA")
        NONE = "none", _("Does not conform to WCAG 2.1 level AA")

    conformance = models.CharField(
        _("conformance"), max_length=10, choices=Conformance.choices, default=Conformance.PARTIAL
    )
    last_reviewed = models.DateField(_("last reviewed"))
    feedback_email = models.EmailField(_("feedback e-mail"))
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel(
            [FieldPanel("conformance"), FieldPanel("last_reviewed"), FieldPanel("feedback_email")],
            heading=_("Status"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statements")
