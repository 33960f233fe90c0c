"""Reading the plain facts the scorer works on, in a few set-based queries.

Facts are loaded as plain values (no model instances): the profiles of a shortlist with their
codes, places and certifications in one query (an array per many-to-many), so scoring a few
hundred suppliers costs one query; an opportunity's facts reuse what its page already read.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, OuterRef, Q
from django.utils.html import strip_tags

from marketplace.models import Certification, CpvCode, Municipality, SupplierProfile
from matching.scoring import OpportunityFacts, SupplierFacts, branch_code
from tenders.models import Lot, Need, Tender


def supplier_facts(ids: Iterable[int]) -> dict[int, SupplierFacts]:
    """Facts of the profiles ``ids`` (primary keys of SupplierProfile)."""
    ids = list(ids)
    if not ids:
        return {}
    rows = _profile_rows(ids) if connection.vendor == "postgresql" else _grouped_rows(ids)
    facts = {}
    for (
        pk,
        name,
        nationwide,
        home,
        sme,
        stage,
        trl,
        pilots,
        refs,
        codes,
        munis,
        counties,
        certs,
    ) in rows:
        facts[pk] = SupplierFacts(
            pk=pk,
            name=name,
            cpv_codes=tuple(sorted(codes)),
            nationwide=nationwide,
            municipalities=frozenset(munis),
            counties=frozenset(counties),
            home_municipality=home or "",
            sme_category=sme,
            stage=stage,
            trl=trl,
            open_to_pilots=pilots,
            public_references=refs,
            certifications=frozenset(certs),
        )
    return facts


_COLUMNS = (
    "pk",
    "organisation__name",
    "delivers_nationwide",
    "municipality__number",
    "sme_category",
    "stage",
    "technology_readiness_level",
    "open_to_pilots",
    "public_refs",
)
# Each many-to-many the scorer reads: (through table, the value it keeps).
_MANY = (
    (SupplierProfile.cpv_codes.through, "cpvcode_id"),
    (SupplierProfile.delivery_municipalities.through, "municipality__number"),
    (SupplierProfile.delivery_counties.through, "county__number"),
    (SupplierProfile.certifications.through, "certification__slug"),
)


def _base(ids: list[int]):
    return SupplierProfile.objects.filter(pk__in=ids).annotate(
        public_refs=Count("references", filter=Q(references__public_sector=True))
    )


def _profile_rows(ids: list[int]) -> list[tuple]:
    """PostgreSQL: one query, an array per many-to-many."""
    arrays = {
        f"many_{n}": ArraySubquery(
            through.objects.filter(supplierprofile_id=OuterRef("pk")).values(column)
        )
        for n, (through, column) in enumerate(_MANY)
    }
    return list(_base(ids).annotate(**arrays).values_list(*_COLUMNS, *arrays))


def _grouped_rows(ids: list[int]) -> list[tuple]:
    """Other databases (SQLite, the embedded default): one query per many-to-many."""
    rows = list(_base(ids).values_list(*_COLUMNS))
    many = []
    for through, column in _MANY:
        grouped: dict[int, list] = {}
        for owner, value in through.objects.filter(supplierprofile_id__in=ids).values_list(
            "supplierprofile_id", column
        ):
            grouped.setdefault(owner, []).append(value)
        many.append(grouped)
    return [(*row, *(grouped.get(row[0], []) for grouped in many)) for row in rows]


def _counties_of(municipality_numbers: Iterable[str]) -> frozenset[str]:
    return frozenset(
        Municipality.objects.filter(number__in=list(municipality_numbers)).values_list(
            "county__number", flat=True
        )
    )


def certifications_named(text: str) -> frozenset[str]:
    """Slugs of the certifications whose name appears in ``text`` (the requirements)."""
    lowered = text.casefold()
    return frozenset(
        slug
        for slug, name_nb, name_en in Certification.objects.values_list(
            "slug", "name_nb", "name_en"
        )
        if name_nb.casefold() in lowered or name_en.casefold() in lowered
    )


def _loaded(owner, name: str) -> list | None:
    """What a page already read of ``owner.<name>`` (``prefetch_related`` or
    ``tenders.selectors.relations``), or None when it was not read."""
    cache = getattr(owner, "_prefetched_objects_cache", None) or {}
    return list(cache[name]) if name in cache else None


def _loaded_lots(tender: Tender) -> list[Lot] | None:
    """The tender's lots with their codes and places, when the page read them all."""
    lots = _loaded(tender, "lots")
    if lots is None:
        return None
    wanted = ("cpv_codes", "municipalities")
    if all(_loaded(lot, name) is not None for lot in lots for name in wanted):
        return lots
    return None


def tender_codes(tender: Tender) -> tuple[str, ...]:
    codes = []
    if tender.main_cpv_id:
        codes.append(tender.main_cpv_id)
    additional = _loaded(tender, "additional_cpv")
    lots = _loaded_lots(tender)
    if additional is not None and lots is not None:
        codes += [code.code for code in additional]
        codes += [code.code for lot in lots for code in _loaded(lot, "cpv_codes")]
    else:
        codes += list(tender.additional_cpv.values_list("code", flat=True))
        codes += list(
            Lot.cpv_codes.through.objects.filter(lot__tender=tender).values_list(
                "cpvcode_id", flat=True
            )
        )
    codes += [c.split("-")[0] for c in tender.external_cpv_codes or [] if isinstance(c, str)]
    return tuple(dict.fromkeys(code for code in codes if len(code) == 8 and code.isdigit()))


def tender_facts(tender: Tender) -> OpportunityFacts:
    """The tender's facts; what the page already read of it (``tender_for_buyer``) is reused."""
    own_places = _loaded(tender, "municipalities")
    own_requirements = _loaded(tender, "requirements")
    lots = _loaded_lots(tender)
    if own_places is not None and own_requirements is not None and lots is not None:
        munis = frozenset(place.number for place in own_places) | frozenset(
            place.number for lot in lots for place in _loaded(lot, "municipalities")
        )
        requirements = " ".join(requirement.text for requirement in own_requirements)
        smb = any(lot.suitable_for_smb for lot in lots)
    else:
        munis = frozenset(tender.municipalities.values_list("number", flat=True)) | frozenset(
            Lot.municipalities.through.objects.filter(lot__tender=tender).values_list(
                "municipality__number", flat=True
            )
        )
        requirements = " ".join(tender.requirements.values_list("text", flat=True))
        smb = tender.lots.filter(suitable_for_smb=True).exists()
    return OpportunityFacts(
        kind="tender",
        pk=tender.pk,
        title=tender.title,
        cpv_codes=tender_codes(tender),
        municipalities=munis,
        counties=_counties_of(munis),
        suitable_for_smb=smb,
        is_pilot=tender.is_pilot,
        certifications_asked=certifications_named(requirements) if requirements else frozenset(),
    )


def lot_facts(lot: Lot) -> OpportunityFacts:
    tender = lot.tender
    codes = tuple(lot.cpv_codes.values_list("code", flat=True)) or tender_codes(tender)
    munis = frozenset(lot.municipalities.values_list("number", flat=True)) or frozenset(
        tender.municipalities.values_list("number", flat=True)
    )
    requirements = " ".join(tender.requirements.values_list("text", flat=True))
    return OpportunityFacts(
        kind="lot",
        pk=lot.pk,
        title=lot.title,
        cpv_codes=codes,
        municipalities=munis,
        counties=_counties_of(munis),
        suitable_for_smb=lot.suitable_for_smb,
        is_pilot=tender.is_pilot,
        certifications_asked=certifications_named(requirements) if requirements else frozenset(),
    )


def need_facts(need: Need) -> OpportunityFacts:
    munis = frozenset(need.municipalities.values_list("number", flat=True))
    return OpportunityFacts(
        kind="need",
        pk=need.pk,
        title=need.title,
        cpv_codes=tuple(need.cpv_codes.values_list("code", flat=True)),
        municipalities=munis,
        counties=_counties_of(munis),
        suitable_for_smb=False,
        is_pilot=need.is_pilot_opportunity,
    )


def facts_of(obj) -> OpportunityFacts:
    if isinstance(obj, Tender):
        return tender_facts(obj)
    if isinstance(obj, Lot):
        return lot_facts(obj)
    if isinstance(obj, Need):
        return need_facts(obj)
    raise TypeError(f"not an opportunity: {obj!r}")


def text_of(obj) -> str:
    """The words an opportunity or a profile is matched on."""
    if isinstance(obj, Tender):
        loaded = _loaded(obj, "lots")
        titles = [lot.title for lot in loaded] if loaded is not None else None
        if titles is None:
            titles = obj.lots.values_list("title", flat=True)
        lots = " ".join(titles)
        return f"{obj.title} {strip_tags(obj.description)} {lots}"
    if isinstance(obj, Lot):
        return f"{obj.title} {obj.description} {obj.tender.title}"
    if isinstance(obj, Need):
        return f"{obj.title} {obj.problem} {obj.desired_outcomes}"
    if isinstance(obj, SupplierProfile):
        return f"{obj.description_nb} {obj.description_en} {' '.join(obj.keywords or [])}"
    raise TypeError(f"no text for {obj!r}")


def profile_facts(profile: SupplierProfile) -> SupplierFacts:
    return supplier_facts([profile.pk])[profile.pk]


def cpv_names(codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Names of the codes and of the branches (division, group, class, category) above them."""
    wanted: set[str] = set()
    for code in codes:
        wanted.add(code)
        for length in range(2, 6):
            wanted.add(branch_code(code[:length]))
    return {
        code: (name_nb, name_en)
        for code, name_nb, name_en in CpvCode.objects.filter(code__in=wanted).values_list(
            "code", "name_nb", "name_en"
        )
    }


def place_names(numbers: Iterable[str]) -> dict[str, str]:
    from marketplace.models import County

    numbers = list(numbers)
    municipalities = (
        Municipality.objects.filter(number__in=numbers).order_by().values_list("number", "name")
    )
    counties = County.objects.filter(number__in=numbers).order_by().values_list("number", "name")
    # One query; municipality numbers have four digits and county numbers two, so none collide.
    return dict(municipalities.union(counties, all=True))
