"""CMS URLs inside the language prefix: the feeds of news and success stories."""

from django.urls import path

from cms.feeds import NewsAndStoriesFeed, NewsAndStoriesRssFeed

app_name = "cms"

urlpatterns = [
    path("aktuelt/feed.atom", NewsAndStoriesFeed(), name="feed_atom"),
    path("aktuelt/feed.rss", NewsAndStoriesRssFeed(), name="feed_rss"),
]
