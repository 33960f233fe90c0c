"""Success stories: written by editors, with the facts pulled from the marketplace's data.

A story links to the supplier (an Organisation) and the tender. Buyer unit, value, duration,
status and themes are read from those rows on every view, never retyped, so they stay current.
Pilots do not exist yet: ``pilot_facts()`` is the one place where a pilot's outcome and KPIs will
be read once the Pilot model lands (it returns None until then).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from cms.blocks import BodyBlock
from marketplace.models import Organisation
from tenders.models import Tender

from .base import BasePage, paginate


class Outcome(models.TextChoices):
    """How a pilot ended; recorded on the pilot (a later issue), never on the story."""

    SCALED_UP = "scaled_up", _("Scaled up")
    CONTINUED = "continued", _("Continued")
    STOPPED = "stopped", _("Stopped")


@dataclass(frozen=True)
class StoryFacts:
    """What a story shows from the data about its tender and supplier."""

    supplier: Organisation | None
    tender: Tender | None
    buyer: str
    service_area: str
    value: Decimal | None
    duration_months: int | None
    status: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class PilotFacts:
    """A pilot's results, filled from the Pilot model once it exists."""

    outcome: str
    outcome_label: str
    duration_months: int | None
    kpis_achieved: tuple[str, ...]


class SuccessStoryIndexPage(BasePage):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.SuccessStoryPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("success story index")

    def stories(self):
        return (
            SuccessStoryPage.objects.child_of(self)
            .live()
            .public()
            .select_related("supplier", "tender__unit", "tender__buyer", "social_image")
            .order_by("-first_published_at", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        from cms.forms import StoryFilterForm

        context = super().get_context(request, *args, **kwargs)
        stories = self.stories()
        form = StoryFilterForm(request.GET or None, stories=stories)
        if form.is_valid():
            stories = form.filter(stories)
        page_obj = paginate(request, stories)
        context.update(form=form, page_obj=page_obj, stories=page_obj.object_list)
        return context


class SuccessStoryPage(BasePage):
    lead = models.TextField(_("lead"), max_length=600)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    supplier = models.ForeignKey(
        Organisation,
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="success_stories",
        limit_choices_to={"kind": Organisation.Kind.SUPPLIER},
    )
    tender = models.ForeignKey(
        Tender,
        verbose_name=_("tender"),
        on_delete=models.PROTECT,
        related_name="success_stories",
        help_text=_("The facts box shows the tender's buyer, value, duration and status."),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("lead"),
        MultiFieldPanel(
            [FieldPanel("supplier"), FieldPanel("tender")],
            heading=_("Facts from the marketplace"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("supplier_id"),
        index.FilterField("tender_id"),
    ]
    parent_page_types = ["cms.SuccessStoryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("success story")
        verbose_name_plural = _("success stories")

    def facts(self) -> StoryFacts:
        tender = (
            Tender.objects.select_related("buyer", "unit")
            .prefetch_related("themes")
            .filter(pk=self.tender_id)
            .first()
        )
        supplier = Organisation.objects.filter(pk=self.supplier_id).first()
        if tender is None:
            return StoryFacts(supplier, None, "", "", None, None, "", ())
        return StoryFacts(
            supplier=supplier,
            tender=tender,
            buyer=tender.buyer.name if tender.buyer_id else tender.buyer_name,
            service_area=tender.unit.display_name if tender.unit_id else "",
            value=tender.pilot_budget or tender.estimated_value,
            duration_months=tender.pilot_duration_months,
            status=tender.get_status_display(),
            themes=tuple(theme.name for theme in tender.themes.all()),
        )

    def pilot_facts(self) -> PilotFacts | None:
        """The pilot's outcome, duration and KPIs achieved. None until the Pilot model lands
        (the bids issue): then read the pilot of ``self.tender`` here, and the index's outcome
        filter (cms.forms.StoryFilterForm) starts to match."""
        return None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["facts"] = self.facts()
        context["pilot"] = self.pilot_facts()
        return context
