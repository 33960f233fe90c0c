"""Wagtail pages for tests: the home page as ``seed_demo`` sets it up (under the root, with a Site).

Works after a transactional test has flushed the tables the Wagtail migrations filled (the
browser tests use ``live_server``, which flushes): the locale and root page are made if missing.
"""

from __future__ import annotations

from django.conf import settings
from wagtail.models import Locale, Page, Site

from cms.models import HomePage


def make_home_page(**fields) -> HomePage:
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    defaults = {
        "title": "Pilotmarked – piloter med Akershus fylkeskommune",
        "slug": "pilotmarked",
        "hero_title_en": "Pilotmarked – pilot projects with Akershus County",
        "hero_lead": "Fylkeskommunen beskriver behov, oppstartsbedrifter byr på piloter.",
        "hero_lead_en": "The county describes its needs; startups bid to run pilots.",
    }
    defaults.update(fields)
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(**defaults))
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
