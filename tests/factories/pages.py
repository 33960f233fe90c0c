"""Wagtail pages for tests: the home page as ``seed_demo`` sets it up (under the root, with a Site),
in Bokmål with its English translation (Wagtail locales).

Works after a transactional test has flushed the tables the Wagtail migrations filled (the
browser tests use ``live_server``, which flushes): the locales and root page are made if missing.
"""

from __future__ import annotations

from django.conf import settings
from wagtail.models import Locale, Page, Site

from cms.models import HomePage

ENGLISH_HOME = {
    "title": "Pilotmarked – pilot projects with Akershus County",
    "hero_lead": "The county describes its needs; startups bid to run pilots.",
}


def make_home_page(*, english: dict | None = None, **fields) -> HomePage:
    """The Bokmål home page (the default site's root) and its published English translation."""
    nb, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    en, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=nb))
    defaults = {
        "title": "Pilotmarked – piloter med Akershus fylkeskommune",
        "slug": "pilotmarked",
        "hero_lead": "Fylkeskommunen beskriver behov, oppstartsbedrifter byr på piloter.",
    }
    defaults.update(fields)
    home = HomePage.objects.filter(locale=nb).first()
    if home is None:
        home = root.add_child(instance=HomePage(locale=nb, **defaults))
    if home.get_translation_or_none(en) is None:
        translation = home.copy_for_translation(en)
        for name, value in {**ENGLISH_HOME, **(english or {})}.items():
            setattr(translation, name, value)
        translation.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": home,
            "site_name": "Pilotmarked",
        },
    )
    Site.clear_site_root_paths_cache()
    return home
