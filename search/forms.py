"""The site-wide search form (GET), and the facet options it shows with their counts."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.models import County, CpvCode
from search.backends.base import SiteResults
from search.index_entries import Kind
from search.queries import FACETS, MAX_PAGE, SiteQuery
from tenders.models import Need, Source, Tender

# Longer text than this is refused with a clear message (400); up to it, the query is cut.
MAX_TEXT = 2000

KIND_LABELS = {
    Kind.TENDER: _("Tenders"),
    Kind.NEED: _("Needs"),
    Kind.SUPPLIER: _("Suppliers"),
    Kind.PAGE: _("Articles and pages"),
}
SOURCE_LABELS = {
    Source.OWN: pgettext_lazy("search source", "Pilotmarked"),
    Source.DOFFIN: pgettext_lazy("search source", "Doffin"),
    "cms": _("Editorial pages"),
}
FACET_LEGENDS = {
    "kind": _("Type"),
    "cpv_division": _("CPV division"),
    "county": _("County"),
    "status": _("Status"),
    "source": _("Source"),
}
# Facet name -> the query parameter that carries it.
FACET_PARAMS = {
    "kind": "kind",
    "cpv_division": "cpv",
    "county": "county",
    "status": "status",
    "source": "source",
}


def status_labels() -> dict[str, str]:
    labels = {value: label for value, label in Tender.Status.choices}
    labels.update({value: label for value, label in Need.Status.choices if value not in labels})
    labels.update({"listed": _("Listed supplier"), "live": _("Published page")})
    return labels


class SiteSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search words"),
        required=False,
        max_length=MAX_TEXT,
        help_text=_("Search tenders, needs, suppliers and articles. Inflected forms count."),
    )

    def query(self, params) -> SiteQuery:
        """The query of a valid form; facet values come straight from the GET parameters and
        are only ever compared with indexed values, never used as ids."""
        page = params.get("page", "1")
        return SiteQuery(
            text=self.cleaned_data.get("q") or "",
            kinds=[k for k in params.getlist("kind") if k in Kind.ALL],
            cpv_divisions=[v for v in params.getlist("cpv") if v.isdigit() and len(v) == 2],
            counties=[v for v in params.getlist("county") if v.isdigit() and len(v) == 2],
            statuses=[v for v in params.getlist("status") if v in status_labels()],
            sources=[v for v in params.getlist("source") if v in SOURCE_LABELS],
            page=int(page) if page.isdigit() and len(page) < 4 else 1,
        )


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    checked: bool


@dataclass(frozen=True)
class FacetGroup:
    name: str
    param: str
    legend: str
    options: tuple[FacetOption, ...]


def _labels(name: str, values: set[str]) -> dict[str, str]:
    if name == "kind":
        return {k: str(v) for k, v in KIND_LABELS.items()}
    if name == "source":
        return {k: str(v) for k, v in SOURCE_LABELS.items()}
    if name == "status":
        return {k: str(v) for k, v in status_labels().items()}
    if name == "cpv_division":
        codes = CpvCode.objects.filter(code__in=[f"{v}000000" for v in values])
        return {code.code[:2]: f"{code.code[:2]} – {code.name}" for code in codes}
    if name == "county":
        return dict(County.objects.filter(number__in=values).values_list("number", "name"))
    return {}


def facet_groups(results: SiteResults, query: SiteQuery) -> list[FacetGroup]:
    chosen = query.filters()
    groups = []
    for name in FACETS:
        counts = {facet.value: facet.count for facet in results.facets.get(name, ())}
        picked = set(chosen.get(name, ()))
        values = set(counts) | picked
        if not values:
            continue
        labels = _labels(name, values)
        options = tuple(
            FacetOption(value, labels.get(value, value), counts.get(value, 0), value in picked)
            for value in sorted(values, key=lambda v: (-counts.get(v, 0), labels.get(v, v)))
        )
        groups.append(FacetGroup(name, FACET_PARAMS[name], str(FACET_LEGENDS[name]), options))
    return groups


__all__ = ["MAX_PAGE", "FacetGroup", "SiteSearchForm", "facet_groups"]
