"""Demo page tree in Bokmål and English. Called by seed_demo; idempotent.

Home page (the default site's root) with an English translation; two success stories linked to
the demo suppliers and tenders; the guide "Slik selger du til fylkeskommunen" with the live
thresholds table; a news item; FAQ; the accessibility statement. Pages are found by slug, so a
second run changes nothing. The editorial groups and the "Moderators approve" workflow are
ensured too (the data migration makes them; a flushed test database has lost them).
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms import demo_content as content
from cms import demo_events
from cms.editorial import ensure_locales, ensure_moderation_workflow
from cms.models import (
    AccessibilityStatementPage,
    EventIndexPage,
    EventPage,
    FAQPage,
    GuidePage,
    HomePage,
    IndicatorsPage,
    NewsIndexPage,
    NewsPage,
    SuccessStoryIndexPage,
    SuccessStoryPage,
)
from marketplace.models import Organisation
from marketplace.site_url import sync_wagtail_site, wagtail_site_address
from pilots.models import Pilot
from tenders.models import Tender


def paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def heading(text: str, level: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level}}


class Command(BaseCommand):
    help = "Create the demo page tree (both languages) and point the default site at it."

    @transaction.atomic
    def handle(self, *args, **options):
        ensure_locales(apps)
        ensure_moderation_workflow(apps)
        self.nb = Locale.objects.get(language_code="nb")
        self.en = Locale.objects.get(language_code="en")
        self.created = 0
        home = self._home()
        self._site(home)
        stories = self._child(home, SuccessStoryIndexPage, content.STORY_INDEX)
        for story in content.STORIES:
            self._story(stories, story)
        self._child(home, GuidePage, content.guide(paragraph, heading))
        news = self._child(home, NewsIndexPage, content.NEWS_INDEX)
        self._child(news, NewsPage, content.news(paragraph))
        self._child(home, FAQPage, content.faq())
        self._child(home, AccessibilityStatementPage, content.accessibility(paragraph, heading))
        # Events and indicators (helper "events": cms/demo_events.py).
        events = self._child(home, EventIndexPage, demo_events.EVENT_INDEX)
        for event in demo_events.events():
            self._child(events, EventPage, event)
        self._child(home, IndicatorsPage, demo_events.INDICATORS)
        Site.clear_site_root_paths_cache()
        self.stdout.write(f"  cms: page tree in Bokmål and English ({self.created} pages added)")

    # --- Tree ---------------------------------------------------------------------------------

    def _home(self) -> HomePage:
        home = HomePage.objects.filter(locale=self.nb).first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(instance=HomePage(locale=self.nb, **content.HOME["nb"]))
            home.save_revision().publish()
            self.created += 1
        self._translation(home, content.HOME["en"])
        return home

    def _site(self, home: HomePage) -> None:
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                **wagtail_site_address(),
                root_page=home,
                is_default_site=True,
                site_name="Pilotmarked",
            )
        elif site.root_page_id != home.pk:
            old_root = site.root_page.specific
            site.root_page = home
            site.save()
            # Wagtail's placeholder "Welcome" page goes once nothing points at it.
            if type(old_root) is Page and not old_root.get_children().exists():
                old_root.delete()
        sync_wagtail_site()  # canonical links, og:url and sitemap.xml name SITE_URL
        self.stdout.write("  cms: default site serves the home page")

    def _child(self, parent: Page, model, data: dict) -> Page:
        """The child of ``parent`` with data["nb"]["slug"], made and translated if missing."""
        page = model.objects.child_of(parent).filter(slug=data["nb"]["slug"]).first()
        if page is None:
            page = parent.add_child(instance=model(locale=self.nb, **data["nb"]))
            page.save_revision().publish()
            self.created += 1
        self._translation(page, data["en"])
        return page

    def _translation(self, page: Page, fields: dict) -> Page:
        existing = page.get_translation_or_none(self.en)
        if existing is not None:
            return existing.specific
        translation = page.specific.copy_for_translation(self.en)
        for name, value in fields.items():
            setattr(translation, name, value)
        translation.save_revision().publish()
        self.created += 1
        return translation

    def _story(self, index: SuccessStoryIndexPage, story: dict) -> None:
        supplier = Organisation.objects.suppliers().filter(slug=story["supplier"]).first()
        tender = Tender.objects.filter(title=story["tender"]).first()
        if supplier is None or tender is None:
            raise CommandError(
                f"The demo story {story['nb']['slug']!r} needs the supplier "
                f"{story['supplier']!r} and the tender {story['tender']!r}: run seed_demo."
            )
        # The demo pilot (seed_demo_pilots) when it exists; the story reads its facts.
        pilot = Pilot.objects.filter(title=story["pilot"], tender=tender, supplier=supplier).first()
        links = {"supplier": supplier, "tender": tender, "pilot": pilot}
        data = {
            "nb": {**story["nb"], **links, "body": story["body_nb"](paragraph, heading)},
            "en": {**story["en"], "body": story["body_en"](paragraph, heading)},
        }
        page = self._child(index, SuccessStoryPage, data)
        self._link_pilot(page, pilot)

    def _link_pilot(self, page: Page, pilot) -> None:
        """Point both language versions at the pilot (pages made before the pilot existed)."""
        if pilot is None:
            return
        for version in (page.specific, page.get_translation_or_none(self.en)):
            if version is None:
                continue
            version = version.specific
            if version.pilot_id != pilot.pk:
                version.pilot = pilot
                version.save_revision().publish()
                self.created += 1
