"""Files served by Wagtail pages (``…/indicators.csv``, ``…/kalender.ics``).

Wagtail's own URL pattern only matches paths that end in a slash and have no dots, so a page
route such as ``indicators.csv`` never reaches the page. This pattern takes such a path and
hands it to Wagtail's ``serve`` view with the slash its routing expects: the page tree, the
site, the language, privacy settings and page hooks all apply as for any other page URL, and
the page's ``RoutablePageMixin`` route (declared as ``"indicators.csv/"``) answers it.
"""

from django.urls import re_path
from wagtail import views as wagtail_views

DOWNLOAD_EXTENSIONS = ("csv", "json", "ics")


def serve_download(request, path: str):
    return wagtail_views.serve(request, path + "/")


urlpatterns = [
    re_path(
        r"^(?P<path>(?:[\w\-]+/)*[\w\-]+\.(?:" + "|".join(DOWNLOAD_EXTENSIONS) + r"))$",
        serve_download,
        name="cms_page_download",
    ),
]
