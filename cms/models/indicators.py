"""The public indicators page: the strategy's follow-up figures, computed from the data.

The page itself holds only the editorial introduction; every figure comes from
``cms.indicators`` on each request, and the same figures download as CSV and JSON
(``…/indicators.csv``, ``…/indicators.json``).
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.search import index

from cms import indicator_reports
from cms.indicators import all_indicators

from .base import BasePage


class IndicatorsPage(RoutablePageMixin, BasePage):
    intro = RichTextField(
        _("introduction"), blank=True, features=["h2", "h3", "bold", "italic", "link", "ul"]
    )

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("indicators page")

    def download_url(self, name: str) -> str:
        """``…/indicators.csv``: the route without the slash (see cms/urls_downloads.py)."""
        return self.url + self.reverse_subpage(name).rstrip("/")

    def _indicators(self):
        return all_indicators()

    @path("")
    def indicators(self, request):
        figures = []
        for indicator in self._indicators():
            figures.append(
                {
                    "indicator": indicator,
                    "summary": indicator_reports.summary(indicator),
                    "chart": indicator_reports.bar_chart(indicator)
                    if indicator.available
                    else None,
                    "rows": _table_rows(indicator) if indicator.available else [],
                    "totals": [
                        _cell(indicator, indicator.by_year[year]) for year in indicator.years
                    ]
                    if indicator.available
                    else [],
                }
            )
        context = self.get_context(request)
        context.update(
            figures=figures,
            years=figures[0]["indicator"].years if figures else (),
            csv_url=self.download_url("csv"),
            json_url=self.download_url("json"),
        )
        return TemplateResponse(request, self.get_template(request), context)

    @path("indicators.csv/", name="csv")
    def csv(self, request):
        response = HttpResponse(
            indicator_reports.to_csv(self._indicators()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="pilotmarked-indicators.csv"'
        return response

    @path("indicators.json/", name="json")
    def json(self, request):
        response = JsonResponse(
            indicator_reports.to_json(self._indicators()), json_dumps_params={"indent": 2}
        )
        response["Content-Disposition"] = 'inline; filename="pilotmarked-indicators.json"'
        return response


def _cell(indicator, figure) -> dict:
    return {
        "value": indicator_reports.format_value(indicator, figure),
        "detail": indicator_reports.format_detail(indicator, figure),
    }


def _table_rows(indicator) -> list[dict]:
    """One row per service area: its figure for each year."""
    return [
        {
            "area": area,
            "cells": [
                _cell(indicator, indicator.area_figure(year, area.pk)) for year in indicator.years
            ],
        }
        for area in indicator.areas
    ]
