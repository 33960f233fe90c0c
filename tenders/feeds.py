"""Atom feed of newly published tenders: /konkurranser/feed.atom, ``?cpv=72`` for a CPV prefix.

Own tenders link to their page here; Doffin's link to their page here too (which links out).
"""

from __future__ import annotations

import re

from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.urls import NoReverseMatch, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from tenders.models import Tender
from tenders.selectors.open_data import feed_tenders

CPV_PREFIX = re.compile(r"^\d{1,8}$")


class TenderFeed(Feed):
    feed_type = Atom1Feed
    title = _("New tenders on Pilotmarked")
    subtitle = _("Tenders open for bids, newest first.")

    def get_object(self, request, *args, **kwargs) -> str:
        prefix = request.GET.get("cpv", "").strip()
        if prefix and not CPV_PREFIX.match(prefix):
            raise BadRequest("cpv: use the first digits of a CPV code, for example 72.")
        return prefix

    def link(self, prefix: str) -> str:
        return reverse("tenders:opportunity_list")

    def feed_url(self, prefix: str) -> str:
        url = reverse("tenders_data:tender_feed")
        return f"{url}?cpv={prefix}" if prefix else url

    def items(self, prefix: str):
        return feed_tenders(cpv_prefix=prefix)

    def item_title(self, tender: Tender) -> str:
        return tender.title

    def item_description(self, tender: Tender) -> str:
        return Truncator(" ".join(strip_tags(tender.description).split())).words(60)

    def item_link(self, tender: Tender) -> str:
        try:
            return reverse("tenders:tender_detail", args=[tender.reference])
        except NoReverseMatch:
            return tender.external_url or reverse("tenders:opportunity_list")

    def item_guid(self, tender: Tender) -> str:
        return f"tag:pilotmarked,{tender.created_at:%Y-%m-%d}:tender/{tender.reference}"

    item_guid_is_permalink = False

    def item_pubdate(self, tender: Tender):
        return tender.published_at

    def item_updateddate(self, tender: Tender):
        return tender.updated_at

    def item_author_name(self, tender: Tender) -> str:
        return tender.display_buyer

    def item_categories(self, tender: Tender) -> list[str]:
        codes = [tender.main_cpv, *tender.additional_cpv.all()]
        return [code.code for code in codes if code is not None]
