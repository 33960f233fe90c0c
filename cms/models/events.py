"""Events: market-dialogue meetings and supplier conferences, with registration and .ics.

Times are stored in UTC and shown in Europe/Oslo time with the zone named. Registration goes
through the site (``cms.services.events.event_register``) with a seat limit shared by the
page's translations: a registration is keyed to the page's ``translation_key``, so the Bokmål
and the English page fill the same seats. Registrations hold personal data (name, e-mail) and
are anonymised some days after the event (``manage.py anonymise_event_registrations``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.forms_events import EventRegistrationForm
from cms.ics import event_calendar
from cms.services.events import event_register
from marketplace.errors import DomainError

from .base import BasePage, paginate
from .registrations import REGISTRATION_RETENTION_DAYS, EventRegistration


class EventKind(models.TextChoices):
    MARKET_DIALOGUE = "market_dialogue", _("Market-dialogue meeting")
    SUPPLIER_CONFERENCE = "supplier_conference", _("Supplier conference")
    OTHER = "other", _("Other event")


class EventIndexPage(BasePage):
    """Upcoming events first (soonest first); past events on their own tab, newest first."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("event index")

    def events(self):
        return EventPage.objects.child_of(self).live().public()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        past = request.GET.get("when") == "past"
        events = self.events()
        kind = request.GET.get("kind", "")
        if kind in EventKind.values:
            events = events.filter(kind=kind)
        else:
            kind = ""
        if past:
            events = events.filter(end__lt=now).order_by("-start", "-pk")
        else:
            events = events.filter(end__gte=now).order_by("start", "pk")
        page_obj = paginate(request, events)
        context.update(
            page_obj=page_obj,
            events=page_obj.object_list,
            showing_past=past,
            kind=kind,
            kinds=EventKind.choices,
        )
        return context


class EventPage(RoutablePageMixin, BasePage):
    kind = models.CharField(
        _("kind of event"),
        max_length=24,
        choices=EventKind.choices,
        default=EventKind.MARKET_DIALOGUE,
    )
    start = models.DateTimeField(_("starts"), help_text=_("In Oslo time."))
    end = models.DateTimeField(_("ends"), help_text=_("In Oslo time."))
    lead = models.TextField(_("lead"), max_length=600)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    place = models.CharField(
        _("place"),
        max_length=300,
        blank=True,
        help_text=_("Address or venue. Leave empty for a digital-only event."),
    )
    digital_link = models.URLField(
        _("digital link"),
        max_length=500,
        blank=True,
        help_text=_("Where to join online (Teams, Zoom, a stream)."),
    )
    need = models.ForeignKey(
        "tenders.Need",
        verbose_name=_("need in dialogue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For a market-dialogue meeting: the need it is about."),
    )
    registration_open = models.BooleanField(_("registration through the site"), default=True)
    capacity = models.PositiveIntegerField(
        _("seats"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Leave empty for no limit. The languages share the seats: give every translation "
            "the same number (the smallest applies)."
        ),
    )
    registration_deadline = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Leave empty to take registrations until the event starts."),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")], heading=_("Time")),
        FieldPanel("lead"),
        MultiFieldPanel([FieldPanel("place"), FieldPanel("digital_link")], heading=_("Where")),
        FieldPanel("need"),
        MultiFieldPanel(
            [
                FieldPanel("registration_open"),
                FieldPanel("capacity"),
                FieldPanel("registration_deadline"),
            ],
            heading=_("Registration"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
        index.SearchField("place"),
        index.FilterField("start"),
        index.FilterField("kind"),
    ]
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The event must end after it starts.")
        if self.registration_deadline and self.start and self.registration_deadline > self.start:
            errors["registration_deadline"] = _("Registration must close before the event starts.")
        if not self.place and not self.digital_link:
            errors["place"] = _("Give a place, a digital link or both.")
        if errors:
            raise ValidationError(errors)

    # --- Registration state -----------------------------------------------------------------

    def seats_taken(self) -> int:
        return EventRegistration.objects.for_event(self).count()

    def seat_limit(self) -> int | None:
        """The smallest seat limit set on any translation (None: no limit)."""
        limits = [
            limit
            for limit in EventPage.objects.filter(translation_key=self.translation_key).values_list(
                "capacity", flat=True
            )
            if limit is not None
        ]
        return min(limits) if limits else None

    def seats_left(self) -> int | None:
        limit = self.seat_limit()
        return None if limit is None else max(limit - self.seats_taken(), 0)

    def registration_closes(self):
        return self.registration_deadline or self.start

    def registration_state(self, now=None) -> str:
        """ "not_offered", "closed", "full" or "open"."""
        now = now or timezone.now()
        if not self.registration_open:
            return "not_offered"
        if now >= self.registration_closes():
            return "closed"
        if self.seats_left() == 0:
            return "full"
        return "open"

    # --- Views ------------------------------------------------------------------------------

    @path("")
    def event(self, request):
        form = EventRegistrationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                event_register(event=self, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                return redirect(self.url + "?registered=1")
        return TemplateResponse(
            request,
            self.get_template(request),
            self.get_context(request, form=form),
            status=400 if form.errors else 200,
        )

    @path("kalender.ics/", name="ics")
    def ics(self, request):
        response = HttpResponse(
            event_calendar(self, request=request), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.slug}.ics"'
        return response

    def ics_url(self) -> str:
        return self.url + self.reverse_subpage("ics").rstrip("/")

    def get_context(self, request, *args, form=None, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if form is None:
            form = EventRegistrationForm()
        context.update(
            form=form,
            registration_state=self.registration_state(),
            seats_left=self.seats_left(),
            registered=request.GET.get("registered") == "1",
            retention_days=REGISTRATION_RETENTION_DAYS,
        )
        return context
