"""sitemap.xml with every language's page tree and hreflang alternates for translations."""

from __future__ import annotations

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class TranslatedSitemap(Sitemap):
    """Wagtail's sitemap lists the site root's descendants; with locales the English tree is a
    sibling of the Bokmål one, so list the descendants of every translation of the root."""

    def items(self):
        root = self.get_wagtail_site().root_page
        trees = Page.objects.none()
        for home in root.get_translations(inclusive=True):
            trees |= Page.objects.descendant_of(home, inclusive=True)
        return trees.live().public().order_by("path").defer_streamfields().specific()
