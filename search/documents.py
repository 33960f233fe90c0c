"""What the search index holds of each kind of object, built from fresh rows.

One ``Document`` per object: a title (weight A), labels (buyer, CPV labels, keywords: weight B)
and a body (weight C), the facets a search filters on, and where the object lives on the site.
Every backend indexes these same documents, and the matcher's text scores read them too, so
what a search finds and what a match counts never disagree.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.html import strip_tags

from marketplace.models import CpvCode, SupplierProfile
from tenders.models import Need, Tender


class Kind:
    TENDER = "tender"
    NEED = "need"
    SUPPLIER = "supplier"
    PAGE = "page"

    ALL = (TENDER, NEED, SUPPLIER, PAGE)


@dataclass(frozen=True)
class Document:
    kind: str
    object_id: int
    title: str
    labels: str = ""
    body: str = ""
    language: str = "nb"
    url: str = ""
    status: str = ""
    source: str = ""
    cpv_codes: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    date: dt.datetime | None = None
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def cpv_divisions(self) -> tuple[str, ...]:
        return tuple(sorted({code[:2] for code in self.cpv_codes if code}))

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.object_id)


def _plain(value: str) -> str:
    """Text of stored HTML: tags dropped, entities decoded (escaping happens when shown)."""
    return html.unescape(strip_tags(value or ""))


def _join(*parts: str) -> str:
    return "\n".join(part.strip() for part in parts if part and part.strip())


def _cpv_labels(codes: Iterable[CpvCode]) -> str:
    return _join(*(f"{code.name_nb} {code.name_en}" for code in codes))


def _reverse(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _places(municipalities) -> tuple[tuple[str, ...], tuple[str, ...]]:
    numbers = sorted({m.number for m in municipalities})
    counties = sorted({m.county.number for m in municipalities if m.county_id})
    return tuple(numbers), tuple(counties)


# --- Tenders ----------------------------------------------------------------------------------


def tenders_for_index() -> QuerySet[Tender]:
    """Tenders the index holds: all public ones, own and imported (drafts never)."""
    return (
        Tender.objects.public()
        .select_related("buyer", "main_cpv")
        .prefetch_related("additional_cpv", "municipalities__county", "lots")
    )


def tender_document(tender: Tender) -> Document:
    codes = [tender.main_cpv, *tender.additional_cpv.all()] if tender.main_cpv_id else []
    codes = [code for code in codes if code is not None]
    code_ids = [code.code for code in codes] + [
        str(code) for code in (tender.external_cpv_codes or []) if isinstance(code, str)
    ]
    municipalities, counties = _places(tender.municipalities.all())
    lots = _join(*(f"{lot.title} {lot.description}" for lot in tender.lots.all()))
    return Document(
        kind=Kind.TENDER,
        object_id=tender.pk,
        title=tender.title,
        labels=_join(tender.display_buyer, _cpv_labels(codes), tender.reference),
        body=_join(_plain(tender.description), _plain(lots)),
        url=_reverse("tenders:tender_detail", tender.reference) if tender.reference else "",
        status=tender.status,
        source=tender.source,
        cpv_codes=tuple(dict.fromkeys(c[:8] for c in code_ids if c)),
        municipalities=municipalities,
        counties=counties,
        date=tender.published_at or tender.created_at,
    )


# --- Needs ------------------------------------------------------------------------------------


def needs_for_index() -> QuerySet[Need]:
    return (
        Need.objects.public()
        .select_related("buyer")
        .prefetch_related("cpv_codes", "municipalities__county")
    )


def need_document(need: Need) -> Document:
    codes = list(need.cpv_codes.all())
    municipalities, counties = _places(need.municipalities.all())
    return Document(
        kind=Kind.NEED,
        object_id=need.pk,
        title=need.title,
        labels=_join(need.buyer.name, _cpv_labels(codes)),
        body=_join(_plain(need.problem), _plain(need.desired_outcomes)),
        url=_reverse("tenders:need_detail", need.slug),
        status=need.status,
        source="own",
        cpv_codes=tuple(code.code for code in codes),
        municipalities=municipalities,
        counties=counties,
        date=need.published_at or need.created_at,
    )


# --- Suppliers --------------------------------------------------------------------------------


def suppliers_for_index() -> QuerySet[SupplierProfile]:
    return (
        SupplierProfile.objects.published()
        .select_related("organisation", "municipality__county")
        .prefetch_related(
            "cpv_codes",
            Prefetch("delivery_municipalities"),
            "delivery_municipalities__county",
            "delivery_counties",
        )
    )


def supplier_document(profile: SupplierProfile) -> Document:
    codes = list(profile.cpv_codes.all())
    delivery = list(profile.delivery_municipalities.all())
    if profile.municipality_id:
        delivery.append(profile.municipality)
    municipalities, counties = _places(delivery)
    counties = tuple(sorted({*counties, *(c.number for c in profile.delivery_counties.all())}))
    keywords = " ".join(str(word) for word in (profile.keywords or []))
    return Document(
        kind=Kind.SUPPLIER,
        object_id=profile.pk,
        title=profile.organisation.name,
        labels=_join(keywords, _cpv_labels(codes)),
        body=_join(profile.description_nb, profile.description_en),
        url=_reverse("marketplace:supplier_detail", profile.organisation.slug),
        status="listed",
        source="own",
        cpv_codes=tuple(code.code for code in codes),
        municipalities=municipalities,
        counties=counties,
        date=profile.created_at,
    )


# --- CMS pages --------------------------------------------------------------------------------


def pages_for_index():
    from wagtail.models import Page

    return Page.objects.live().public().filter(depth__gt=1).specific()


def _page_text(page) -> str:
    from wagtail.search import index

    parts = []
    for search_field in getattr(page, "search_fields", []):
        if not isinstance(search_field, index.SearchField) or search_field.field_name == "title":
            continue
        value = getattr(page, search_field.field_name, "")
        if callable(value):
            continue
        parts.append(_plain(str(value or "")))
    return _join(*parts)


def page_document(page) -> Document:
    locale = getattr(page, "locale", None)
    return Document(
        kind=Kind.PAGE,
        object_id=page.pk,
        title=page.title,
        labels=page.search_description or "",
        body=_page_text(page),
        language=(locale.language_code if locale else "nb")[:2],
        url=page.url or "",
        status="live",
        source="cms",
        date=page.last_published_at or page.first_published_at,
    )


# --- By kind ----------------------------------------------------------------------------------

_SOURCES = {
    Kind.TENDER: (tenders_for_index, tender_document),
    Kind.NEED: (needs_for_index, need_document),
    Kind.SUPPLIER: (suppliers_for_index, supplier_document),
    Kind.PAGE: (pages_for_index, page_document),
}


def indexable(kind: str):
    """The queryset of every object of ``kind`` the index should hold."""
    return _SOURCES[kind][0]()


def all_objects(kind: str):
    """Every object of ``kind``, indexable or not, with what its document needs prefetched."""
    queryset = indexable(kind)
    if kind == Kind.TENDER:
        return Tender.objects.select_related("buyer", "main_cpv").prefetch_related(
            "additional_cpv", "municipalities__county", "lots"
        )
    if kind == Kind.NEED:
        return Need.objects.select_related("buyer").prefetch_related(
            "cpv_codes", "municipalities__county"
        )
    if kind == Kind.SUPPLIER:
        return SupplierProfile.objects.select_related(
            "organisation", "municipality__county"
        ).prefetch_related("cpv_codes", "delivery_municipalities__county", "delivery_counties")
    return queryset


def build(kind: str, obj) -> Document:
    return _SOURCES[kind][1](obj)


def documents(
    kind: str, ids: Iterable[int] | None = None, *, chunk: int = 500
) -> Iterator[Document]:
    """Documents for the indexable objects of ``kind`` (only ``ids`` when given)."""
    queryset = indexable(kind)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    for obj in queryset.order_by("pk").iterator(chunk_size=chunk):
        yield build(kind, obj)
