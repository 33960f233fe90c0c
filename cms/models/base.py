"""What every page type shares: sharing image, language alternates, sitemap entries, listings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page

LISTING_PAGE_SIZE = 10


class BasePage(Page):
    """A public page: SEO fields (Wagtail's ``seo_title`` and ``search_description``) plus an
    image for sharing (Open Graph) whose alt text is required."""

    social_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("sharing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the page is shared and in listings."),
    )
    social_image_alt = models.CharField(
        _("sharing image alternative text"), max_length=300, blank=True
    )

    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [FieldPanel("social_image"), FieldPanel("social_image_alt")],
            heading=_("Sharing"),
        ),
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.social_image_id and not self.social_image_alt.strip():
            raise ValidationError(
                {"social_image_alt": _("Describe the image for people who cannot see it.")}
            )

    def meta_description(self) -> str:
        """Wagtail's search description, else the page's lead or introduction as plain text."""
        for name in ("search_description", "lead", "hero_lead", "intro"):
            text = strip_tags(str(getattr(self, name, "") or "")).strip()
            if text:
                return Truncator(" ".join(text.split())).chars(300)
        return ""

    def get_view_restrictions(self):
        """Wagtail's answer, from the view restrictions read once for the request when the page
        is being served (``cms.wagtail_hooks.read_view_restrictions_once``).

        Exactly Wagtail's rule: a restriction on the page or an ancestor counts, one on an alias
        never does (an alias follows its source's), and where an alias is involved (the page is
        one, or a restricted page has any) Wagtail's own two queries decide.
        """
        every = getattr(self, "served_with_restrictions", None)
        if every is None or self.alias_of_id or any(r.has_aliases for r in every):
            return super().get_view_restrictions()
        return [
            restriction
            for restriction in every
            if restriction.page.alias_of_id is None and self.path.startswith(restriction.page.path)
        ]

    def live_translations(self, private=None):
        """This page in every language it is published in, this one included.

        ``private``: what ``PageQuerySet.public()`` would exclude, when the caller has it
        (``cms.selectors.private_q``)."""
        translations = self.get_translations(inclusive=True).live()
        translations = translations.public() if private is None else translations.exclude(private)
        return translations.select_related("locale")

    def language_alternates(self, request=None) -> list[dict]:
        """``[{"lang_code": "nb", "location": "https://…/x/"}, …]`` for hreflang tags.

        The translations come from ``self.translations_read`` when the page's context read them
        already (the home page reads them with its index pages)."""
        translations = getattr(self, "translations_read", None)
        if translations is None:
            translations = self.live_translations()
        alternates = []
        for page in translations:
            if page.pk == self.pk and not self._meta.get_field("locale").is_cached(self):
                self.locale = page.locale  # the page's own language, for its og:locale
            url = page.get_full_url(request)
            if url:
                alternates.append({"lang_code": page.locale.language_code, "location": url})
        return sorted(alternates, key=lambda alternate: alternate["lang_code"] != "nb")

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        alternates = self.language_alternates(request)
        if len(alternates) > 1:
            for entry in urls:
                entry["alternates"] = alternates
        return urls


def paginate(request, items, *, per_page: int = LISTING_PAGE_SIZE):
    """The page of ``items`` that ``?page=`` asks for (the last one when out of range)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
