"""Success stories: written by editors, with the facts pulled from the marketplace's data.

A story links to the supplier (an Organisation), the tender and the pilot. Buyer unit, value,
duration, status, themes, the pilot's outcome and its KPIs are read from those rows on every view,
never retyped, so they stay current: change the pilot and the page changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.forms import StoryFilterForm
from marketplace.models import Organisation
from pilots.models import Pilot
from tenders.models import Tender

from .base import BasePage, paginate

# How a pilot ended: recorded on the pilot, never on the story, so the story reads the pilot's own
# choices (one list of outcomes and their labels; the story filter offers the same).
Outcome = Pilot.Outcome


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
    """A pilot's plan and results, read from the Pilot row and its KPIs."""

    pilot: Pilot
    buyer: str
    service_area: str
    value: Decimal | None
    value_is_contract: bool
    starts_on: object
    ends_on: object
    duration_days: int | None
    duration_months: int | None
    status_label: str
    outcome: str
    outcome_label: str
    kpis_total: int
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
            .select_related("supplier", "tender__unit", "tender__buyer", "social_image", "pilot")
            .order_by("-first_published_at", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
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
    pilot = models.ForeignKey(
        Pilot,
        verbose_name=_("pilot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="success_stories",
        help_text=_(
            "The facts box shows the pilot's service area, value, duration, KPIs achieved and "
            "outcome, read from the pilot every time the page is shown."
        ),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("lead"),
        MultiFieldPanel(
            [FieldPanel("supplier"), FieldPanel("tender"), FieldPanel("pilot")],
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
        index.FilterField("pilot_id"),
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

    def clean(self):
        super().clean()
        errors = {}
        if self.pilot_id and self.supplier_id and self.pilot.supplier_id != self.supplier_id:
            errors["pilot"] = _("Choose a pilot of the story's supplier.")
        if self.pilot_id and self.tender_id and self.pilot.tender_id != self.tender_id:
            errors["pilot"] = _("Choose a pilot of the story's tender.")
        if errors:
            raise ValidationError(errors)

    def pilot_facts(self) -> PilotFacts | None:
        """The linked pilot's facts, read now: service area, value (the full purchase when it
        was scaled up, else the pilot's budget), duration, KPIs achieved and outcome."""
        if not self.pilot_id:
            return None
        pilot = (
            Pilot.objects.select_related("buyer", "unit")
            .prefetch_related("kpis")
            .filter(pk=self.pilot_id)
            .first()
        )
        if pilot is None:
            return None
        kpis = list(pilot.kpis.all())
        days = pilot.duration_days
        value_is_contract = pilot.contract_value is not None
        return PilotFacts(
            pilot=pilot,
            buyer=pilot.buyer.name,
            service_area=pilot.unit.display_name if pilot.unit_id else "",
            value=pilot.contract_value if value_is_contract else pilot.budget,
            value_is_contract=value_is_contract,
            starts_on=pilot.starts_on,
            ends_on=pilot.ends_on,
            duration_days=days,
            duration_months=round(days / 30.44) if days else None,
            status_label=pilot.get_status_display(),
            outcome=pilot.outcome,
            outcome_label=Outcome(pilot.outcome).label if pilot.outcome else "",
            kpis_total=len(kpis),
            kpis_achieved=tuple(kpi.name for kpi in kpis if kpi.achieved),
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["facts"] = self.facts()
        context["pilot"] = self.pilot_facts()
        return context
