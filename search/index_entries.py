"""What the search index holds of each kind of object, built from fresh rows.

One ``Document`` per object: a title (weight A), labels (buyer, CPV labels, keywords: weight B)
and a body (weight C), the facets a search filters on, and where the object lives on the site.
Every backend indexes these same documents, and the matcher's text scores read them too, so
what a search finds and what a match counts never disagree.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.html import strip_tags
from wagtail.models import Page
from wagtail.search.index import SearchField

from marketplace.models import CpvCode, SupplierProfile
from tenders.models import Lot, Need, Tender


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


# What a document needs of a CPV code and of a place, as plain values: the builders below read
# them from model instances (one object) or straight from rows (``documents``, in bulk).
Code = tuple[str, str, str]  # code, Bokmål name, English name
Place = tuple[str, str | None]  # municipality number, its county's number


def _code(code: CpvCode) -> Code:
    return (code.code, code.name_nb, code.name_en)


def _place(municipality) -> Place:
    return (municipality.number, municipality.county.number if municipality.county_id else None)


def _cpv_labels(codes: Iterable[Code]) -> str:
    return _join(*(f"{name_nb} {name_en}" for _code_id, name_nb, name_en in codes))


def _reverse(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# An argument of these characters passes the slug and str converters and needs no quoting.
_PLAIN_ARG = re.compile(r"[-A-Za-z0-9_]+")
_SLOT = "pmslot0"


class _Urls:
    """``_reverse`` for many objects at once: an address whose one argument is plain is made
    from the address of a stand-in (one ``reverse`` per name, in the active language), any
    other by ``reverse`` itself. Only for URLs that take their argument through a slug or str
    converter (tests compare with ``_reverse``)."""

    def __init__(self) -> None:
        self.templates: dict[str, tuple[str, str] | None] = {}

    def __call__(self, name: str, arg: str) -> str:
        if name not in self.templates:
            address = _reverse(name, _SLOT)
            self.templates[name] = (
                tuple(address.split(_SLOT)) if address.count(_SLOT) == 1 else None
            )
        template = self.templates[name]
        if template is None or not _PLAIN_ARG.fullmatch(arg or ""):
            return _reverse(name, arg)
        return f"{template[0]}{arg}{template[1]}"


def _places(places: Iterable[Place]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    places = list(places)
    numbers = sorted({number for number, _county in places})
    counties = sorted({county for _number, county in places if county is not None})
    return tuple(numbers), tuple(counties)


# --- Tenders ----------------------------------------------------------------------------------


def tenders_for_index() -> QuerySet[Tender]:
    """Tenders the index holds: all public ones, own and imported (drafts never)."""
    return (
        Tender.objects.public()
        .select_related("buyer", "main_cpv")
        .prefetch_related("additional_cpv", "municipalities__county", "lots")
    )


def tender_document(
    tender: Tender,
    *,
    additional: list[Code] | None = None,
    places: list[Place] | None = None,
    lots: list[tuple[str, str]] | None = None,
    url=_reverse,
) -> Document:
    """The document of ``tender``; its additional CPV codes (by code), places and lots (title,
    description; by number) are read from the instance unless given (``documents``)."""
    if additional is None:
        additional = [_code(code) for code in tender.additional_cpv.all()]
    if places is None:
        places = [_place(m) for m in tender.municipalities.all()]
    if lots is None:
        lots = [(lot.title, lot.description) for lot in tender.lots.all()]
    main = [_code(tender.main_cpv)] if tender.main_cpv_id and tender.main_cpv else []
    codes = [*main, *additional] if tender.main_cpv_id else []
    code_ids = [code for code, _nb, _en in codes] + [
        str(code) for code in (tender.external_cpv_codes or []) if isinstance(code, str)
    ]
    municipalities, counties = _places(places)
    lots = _join(*(f"{title} {description}" for title, description in lots))
    return Document(
        kind=Kind.TENDER,
        object_id=tender.pk,
        title=tender.title,
        labels=_join(tender.display_buyer, _cpv_labels(codes), tender.reference),
        body=_join(_plain(tender.description), _plain(lots)),
        url=url("tenders:tender_detail", tender.reference) if tender.reference else "",
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
    codes = [_code(code) for code in need.cpv_codes.all()]
    municipalities, counties = _places(_place(m) for m in need.municipalities.all())
    return Document(
        kind=Kind.NEED,
        object_id=need.pk,
        title=need.title,
        labels=_join(need.buyer.name, _cpv_labels(codes)),
        body=_join(_plain(need.problem), _plain(need.desired_outcomes)),
        url=_reverse("tenders:need_detail", need.slug),
        status=need.status,
        source="own",
        cpv_codes=tuple(code for code, _nb, _en in codes),
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


@dataclass(frozen=True)
class SupplierFacts:
    """What a supplier's document is made of, as plain values."""

    pk: int
    name: str
    slug: str
    keywords: list | None
    description_nb: str
    description_en: str
    created_at: dt.datetime | None
    codes: list[Code]  # by code
    places: list[Place]  # where it delivers, and where it is based
    delivery_counties: list[str]


def supplier_document(profile: SupplierProfile) -> Document:
    places = [_place(m) for m in profile.delivery_municipalities.all()]
    if profile.municipality_id:
        places.append(_place(profile.municipality))
    return supplier_document_of(
        SupplierFacts(
            pk=profile.pk,
            name=profile.organisation.name,
            slug=profile.organisation.slug,
            keywords=profile.keywords,
            description_nb=profile.description_nb,
            description_en=profile.description_en,
            created_at=profile.created_at,
            codes=[_code(code) for code in profile.cpv_codes.all()],
            places=places,
            delivery_counties=[county.number for county in profile.delivery_counties.all()],
        )
    )


def supplier_document_of(facts: SupplierFacts, *, url=_reverse) -> Document:
    municipalities, counties = _places(facts.places)
    counties = tuple(sorted({*counties, *facts.delivery_counties}))
    keywords = " ".join(str(word) for word in (facts.keywords or []))
    return Document(
        kind=Kind.SUPPLIER,
        object_id=facts.pk,
        title=facts.name,
        labels=_join(keywords, _cpv_labels(facts.codes)),
        body=_join(facts.description_nb, facts.description_en),
        url=url("marketplace:supplier_detail", facts.slug),
        status="listed",
        source="own",
        cpv_codes=tuple(code for code, _nb, _en in facts.codes),
        municipalities=municipalities,
        counties=counties,
        date=facts.created_at,
    )


# --- CMS pages --------------------------------------------------------------------------------


def pages_for_index():
    return Page.objects.live().public().filter(depth__gt=1).specific()


def _page_text(page) -> str:
    parts = []
    for search_field in getattr(page, "search_fields", []):
        if not isinstance(search_field, SearchField) or search_field.field_name == "title":
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
    """Documents for the indexable objects of ``kind`` (only ``ids`` when given), by primary key.

    Suppliers and tenders, the kinds counted in tens of thousands, are read in chunks of
    ``BULK_CHUNK`` as plain rows (a few queries a chunk, no model instance per related row) and
    made by the same builders as from an instance; tests check that both give equal documents.
    """
    queryset = indexable(kind)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    if kind in _IN_BULK:
        keys = list(queryset.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(keys), BULK_CHUNK):
            yield from _IN_BULK[kind](keys[start : start + BULK_CHUNK])
        return
    for obj in queryset.order_by("pk").iterator(chunk_size=chunk):
        yield build(kind, obj)


# --- In bulk ----------------------------------------------------------------------------------

BULK_CHUNK = 2000


def _grouped(rows) -> dict[int, list]:
    """{first value: [the rest of each row (one value alone)]}, in the rows' order."""
    grouped: dict[int, list] = {}
    for key, *rest in rows:
        grouped.setdefault(key, []).append(rest[0] if len(rest) == 1 else tuple(rest))
    return grouped


def _among(column: str, ids: list[int]) -> Q:
    """Rows whose ``column`` is one of the sorted ``ids``: as a range when they lie close
    together (PostgreSQL reads a range faster than a long list, and Django builds it faster;
    the callers skip rows in between), else as the list."""
    if ids[-1] - ids[0] < 4 * len(ids):
        return Q(**{f"{column}__gte": ids[0], f"{column}__lte": ids[-1]})
    return Q(**{f"{column}__in": ids})


def _links(relation, ids: list[int], *values: str) -> dict[int, list]:
    """The rows of a many-to-many table for the objects ``ids``: {object id: [values]}."""
    field = relation.field
    source = field.m2m_field_name()
    target = field.m2m_reverse_field_name()
    rows = relation.through.objects.filter(_among(f"{source}_id", ids)).values_list(
        f"{source}_id", *(f"{target}{value}" for value in values)
    )
    return _grouped(rows)


def _codes(codes_by_object: dict[int, list[str]]) -> dict[int, list[Code]]:
    """The objects' CPV codes with their names, by code (as the model orders them)."""
    wanted = {code for codes in codes_by_object.values() for code in codes}
    names = {
        row[0]: row
        for row in CpvCode.objects.filter(code__in=wanted).values_list("code", "name_nb", "name_en")
    }
    return {
        pk: [names[code] for code in sorted(codes) if code in names]
        for pk, codes in codes_by_object.items()
    }


def _supplier_documents(ids: list[int]) -> Iterator[Document]:
    urls = _Urls()
    rows = (
        suppliers_for_index()
        .prefetch_related(None)
        .filter(_among("pk", ids))
        .order_by("pk")
        .values_list(
            "pk",
            "organisation__name",
            "organisation__slug",
            "keywords",
            "description_nb",
            "description_en",
            "created_at",
            "municipality__number",
            "municipality__county__number",
        )
    )
    codes = _codes(_links(SupplierProfile.cpv_codes, ids, "_id"))
    delivery = _links(SupplierProfile.delivery_municipalities, ids, "__number", "__county__number")
    counties = _links(SupplierProfile.delivery_counties, ids, "__number")
    wanted = set(ids)
    for pk, name, slug, keywords, nb, en, created_at, based_in, based_county in rows:
        if pk not in wanted:
            continue
        places = list(delivery.get(pk, ()))
        if based_in is not None:
            places.append((based_in, based_county))
        yield supplier_document_of(
            SupplierFacts(
                pk=pk,
                name=name,
                slug=slug,
                keywords=keywords,
                description_nb=nb,
                description_en=en,
                created_at=created_at,
                codes=codes.get(pk, []),
                places=places,
                delivery_counties=counties.get(pk, []),
            ),
            url=urls,
        )


def _tender_documents(ids: list[int]) -> Iterator[Document]:
    tenders = (
        tenders_for_index()
        .prefetch_related(None)
        .select_related("unit")
        .filter(_among("pk", ids))
        .order_by("pk")
    )
    urls = _Urls()
    wanted = set(ids)
    additional = _codes(_links(Tender.additional_cpv, ids, "_id"))
    places = _links(Tender.municipalities, ids, "__number", "__county__number")
    lots = _grouped(
        Lot.objects.filter(_among("tender_id", ids))
        .order_by("tender_id", "number")
        .values_list("tender_id", "title", "description")
    )
    for tender in tenders:
        if tender.pk not in wanted:
            continue
        yield tender_document(
            tender,
            additional=additional.get(tender.pk, []),
            places=places.get(tender.pk, []),
            lots=lots.get(tender.pk, []),
            url=urls,
        )


_IN_BULK = {Kind.SUPPLIER: _supplier_documents, Kind.TENDER: _tender_documents}
