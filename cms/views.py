"""Site-wide views of the CMS: the language switch for pages, robots.txt and the sitemap."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Locale, Page

from cms.sitemaps import TranslatedSitemap
from marketplace.views.account_entry import set_language

# Paths robots should not crawl: the admin sites, accounts and people's own pages.
ROBOTS_DISALLOW = [
    "/cms-admin/",
    "/django-admin/",
    "/accounts/",
    "/en/accounts/",
    "/min-side/",
    "/en/min-side/",
    "/documents/",
]


def page_in_language(page: Page | None, language: str, request=None) -> str:
    """The URL of ``page``'s live translation in ``language``, else that language's home."""
    locale = Locale.objects.filter(language_code=language).first()
    if page is not None and locale is not None:
        translation_page = (
            page.get_translations(inclusive=True).live().public().filter(locale=locale).first()
        )
        if translation_page is not None:
            url = translation_page.get_url(request)
            if url:
                return url
    with translation.override(language):
        return reverse("wagtail_serve", args=[""])


@require_http_methods(["GET", "POST"])
def switch_page_language(request):
    """The language switch on Wagtail pages: go to this page's translation, not the same slug.

    Signed in, the switch posts: Django's set_language (through ours, which also stores the
    person's choice) sets the language cookie; only where it redirects to changes. Anonymous
    visitors follow a link (GET), which only redirects, so public pages need no CSRF cookie and
    can be cached (marketplace/page_cache.py).
    """
    if request.method == "GET":
        language = request.GET.get("language", "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        page_id = request.GET.get("page", "")
        page = Page.objects.filter(pk=page_id).first() if page_id.isdigit() else None
        return HttpResponseRedirect(page_in_language(page, language, request))
    response = set_language(request)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES) or not isinstance(response, HttpResponseRedirect):
        return response
    page_id = request.POST.get("page", "")
    page = Page.objects.filter(pk=page_id).first() if page_id.isdigit() else None
    response["Location"] = page_in_language(page, language, request)
    return response


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('cms_sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def sitemap(request):
    return wagtail_sitemap(request, sitemaps={"pages": TranslatedSitemap(request)})
