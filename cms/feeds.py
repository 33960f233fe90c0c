"""Atom and RSS feeds of news and success stories in the language of the address."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from cms.selectors import feed_pages


class NewsAndStoriesFeed(Feed):
    feed_type = Atom1Feed
    title = _("News and success stories from Pilotmarked")
    description = subtitle = _("News from the county's marketplace and stories of pilots.")
    url_name = "cms:feed_atom"

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return Locale.get_active()

    def link(self, locale) -> str:
        return reverse("wagtail_serve", args=[""])

    def feed_url(self, locale) -> str:
        return reverse(self.url_name)

    def items(self, locale):
        return feed_pages(locale=locale)

    def item_title(self, page) -> str:
        return page.title

    def item_description(self, page) -> str:
        return page.meta_description()

    def item_link(self, page) -> str:
        return page.get_url(self.request)

    def item_pubdate(self, page):
        return page.first_published_at

    def item_updateddate(self, page):
        return page.last_published_at

    def item_guid(self, page) -> str:
        return f"tag:pilotmarked,{page.first_published_at:%Y-%m-%d}:page/{page.pk}"

    item_guid_is_permalink = False


class NewsAndStoriesRssFeed(NewsAndStoriesFeed):
    feed_type = Rss201rev2Feed
    url_name = "cms:feed_rss"
