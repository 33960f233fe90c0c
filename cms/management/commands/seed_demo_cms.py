"""Demo page tree: the home page as the default site's root. Called by seed_demo; idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Page, Site

from cms.models import HomePage

HERO_LEAD = (
    "Pilotmarked kobler behovene i Akershus fylkeskommune med oppstartsbedrifter og små og "
    "mellomstore bedrifter som vil være pilotleverandører."
)
HERO_LEAD_EN = (
    "Pilotmarked connects the needs of Akershus county with startups and small firms that want "
    "to become pilot suppliers."
)


class Command(BaseCommand):
    help = "Create the demo home page and point the default site at it."

    @transaction.atomic
    def handle(self, *args, **options):
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(
                instance=HomePage(
                    title="Fylkeskommunen som pilotkunde",
                    slug="pilotmarked",
                    hero_title_en="The county as your pilot customer",
                    hero_lead=HERO_LEAD,
                    hero_lead_en=HERO_LEAD_EN,
                )
            )
            self.stdout.write("  cms: home page created")
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
        elif site.root_page_id != home.pk:
            old_root = site.root_page.specific
            site.root_page = home
            site.save()
            # Wagtail's placeholder "Welcome" page goes once nothing points at it.
            if type(old_root) is Page and not old_root.get_children().exists():
                old_root.delete()
        self.stdout.write("  cms: default site serves the home page")
