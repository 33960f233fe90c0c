"""Event and indicators pages, registrations, and the two-language page tree they live in.

``make_event(start=..., capacity=3)`` publishes an event under the Bokmål event index (made if
missing, with a home page and the default site); ``translate(page)`` publishes its English
translation under the English parent (translating the parents first when needed).
"""

from __future__ import annotations

import datetime

import factory
from django.conf import settings
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from cms.models import EventIndexPage, EventPage, EventRegistration, HomePage, IndicatorsPage


def _home() -> HomePage:
    nb, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    Locale.objects.get_or_create(language_code="en")
    home = HomePage.objects.filter(locale=nb).first()
    if home is None:
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=nb))
        home = root.add_child(instance=HomePage(title="Pilotmarked", slug="pilotmarked", locale=nb))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": home,
            "site_name": "Pilotmarked",
        },
    )
    return home


def translate(page: Page, language: str = "en", **fields) -> Page:
    """The published translation of ``page`` (and of its parents, where missing)."""
    locale, _created = Locale.objects.get_or_create(language_code=language)
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    parent = page.get_parent().specific
    if not parent.is_root() and parent.get_translation_or_none(locale) is None:
        translate(parent, language)
    copy = page.specific.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    copy.refresh_from_db()
    return copy


def make_event_index(**fields) -> EventIndexPage:
    home = _home()
    index = EventIndexPage.objects.child_of(home).first()
    if index is None:
        defaults = {"title": "Arrangementer", "slug": "arrangementer"}
        index = home.add_child(instance=EventIndexPage(**{**defaults, **fields}))
    return index


_counter = iter(range(1, 10**6))


def make_event(*, index: EventIndexPage | None = None, **fields) -> EventPage:
    index = index or make_event_index()
    number = next(_counter)
    start = (timezone.now() + datetime.timedelta(days=14)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    defaults = {
        "title": f"Markedsdialog {number}: skoleskyss",
        "slug": f"markedsdialog-{number}",
        "kind": "market_dialogue",
        "start": start,
        "end": start + datetime.timedelta(hours=2),
        "lead": "Vi forteller om behovet og svarer på spørsmål.",
        "place": "Fylkeshuset, Schweigaards gate 4, Oslo",
        "capacity": 50,
    }
    defaults.update(fields)
    return index.add_child(instance=EventPage(**defaults))


def make_indicators_page(**fields) -> IndicatorsPage:
    home = _home()
    page = IndicatorsPage.objects.child_of(home).first()
    if page is None:
        defaults = {"title": "Indikatorer", "slug": "indikatorer"}
        page = home.add_child(instance=IndicatorsPage(**{**defaults, **fields}))
    return page


class EventRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventRegistration

    class Params:
        event = factory.LazyFunction(make_event)

    event_key = factory.LazyAttribute(lambda o: o.event.translation_key)
    name = factory.Sequence(lambda n: f"Deltaker {n}")
    email = factory.Sequence(lambda n: f"deltaker{n}@firma.test")
    organisation = "Fjordlys Teknologi AS"
